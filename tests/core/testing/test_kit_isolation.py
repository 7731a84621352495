"""The test kit keeps to itself: its Redis keys live under a namespace per test and are
gone when the test ends; it uses no server it was not pointed at; it turns pytest-asyncio
on by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from core.coordination.lease_redis import RedisLease
from core.runtime.config import Settings
from core.testing import services
from core.testing.pytest_plugin import make_settings
from core.testing.redis_keys import PREFIX, expire_leftovers, new_namespace, remove_namespace
from tests.helpers import ROOT


def _key_settings(settings: Settings) -> dict[str, str]:
    """Every setting naming a Redis key (``key`` or ``*_key``), as ``section.name``."""
    found = {}
    for section in type(settings).model_fields:
        value = getattr(settings, section)
        for name in getattr(type(value), "model_fields", {}):
            if name == "key" or name.endswith("_key"):
                found[f"{section}.{name}"] = getattr(value, name)
    return found


async def _keys(url: str, pattern: str) -> list[bytes]:
    client = aioredis.from_url(url)
    try:
        return [key async for key in client.scan_iter(match=pattern, count=500)]
    finally:
        await client.aclose()


def test_every_redis_key_of_test_settings_is_under_its_namespace() -> None:
    namespace = new_namespace()
    keys = _key_settings(make_settings("sqlite://:memory:", [], namespace))
    assert {"leader.key", "cluster.identify_key", "cluster.status_key"} <= set(keys)
    assert all(value.startswith(f"{namespace}:") for value in keys.values()), keys


async def test_removing_a_namespace_removes_the_lease_and_its_epoch(
    guildhall_redis_url: str,
) -> None:
    namespace = new_namespace()
    settings = make_settings("sqlite://:memory:", [], namespace)
    lease = RedisLease(guildhall_redis_url, settings.leader.key, 30, "kit-test")
    try:
        assert (await lease.try_acquire()).won
    finally:
        await lease.client.aclose()
    assert len(await _keys(guildhall_redis_url, f"{namespace}:*")) == 2  # lease + :epoch
    assert await remove_namespace(guildhall_redis_url, namespace) == 2
    assert await _keys(guildhall_redis_url, f"{namespace}:*") == []


@pytest.fixture
async def keys_left_after_teardown(guildhall_redis_url: str) -> AsyncIterator[dict[str, str]]:
    """Set up before ``guildhall_settings``, so torn down after it: then no key of the
    test's namespace may remain."""
    seen: dict[str, str] = {}
    yield seen
    assert seen, "the test did not record its namespace"
    assert await _keys(guildhall_redis_url, f"{seen['namespace']}:*") == []


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
async def test_guildhall_settings_leaves_no_key_behind(
    keys_left_after_teardown: dict[str, str], guildhall_settings: Settings,
) -> None:
    """The kit gives Redis to PostgreSQL tests (SQLite ones use the file lock)."""
    url = guildhall_settings.redis.url.get_secret_value()
    namespace = guildhall_settings.leader.key.rsplit(":", 1)[0]
    assert namespace.startswith(f"{PREFIX}:")
    keys_left_after_teardown["namespace"] = namespace
    lease = RedisLease(url, guildhall_settings.leader.key, 30, "kit-test")
    try:
        assert (await lease.try_acquire()).won
    finally:
        await lease.client.aclose()
    assert len(await _keys(url, f"{namespace}:*")) == 2


async def test_leftovers_of_a_crashed_run_get_an_expiry(guildhall_redis_url: str) -> None:
    key = f"{new_namespace()}:leader:epoch"
    client = aioredis.from_url(guildhall_redis_url)
    try:
        await client.set(key, "7")
        assert await client.ttl(key) == -1
        assert await expire_leftovers(guildhall_redis_url) >= 1
        assert 0 < await client.ttl(key) <= 3600
    finally:
        await client.delete(key)
        await client.aclose()


def test_a_server_on_the_default_port_is_not_used_unless_told(monkeypatch) -> None:
    for name in ("GUILDHALL_TEST_REDIS_URL", "GUILDHALL_TEST_USE_RUNNING"):
        monkeypatch.delenv(name, raising=False)
    service, reason = services.redis()
    try:
        assert service is None or service.origin == "throwaway", service
        assert service is not None or reason
    finally:
        if service is not None:
            service.stop()
    monkeypatch.setenv("GUILDHALL_TEST_USE_RUNNING", "1")
    if services._port_open("127.0.0.1", 6379):
        running, _ = services.redis()
        assert running is not None and running.origin == "local server"


def test_the_kit_turns_pytest_asyncio_auto_mode_on(tmp_path: Path) -> None:
    (tmp_path / "test_async.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\nasync def value():\n    return 42\n\n"
        "async def test_uses_an_async_fixture(value):\n    assert value == 42\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_async.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
