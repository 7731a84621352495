"""pytest plugin (entry point ``pytest11``): guildhall fixtures for any project's tests.

Fixtures:
    guildhall_services: the PostgreSQL and Redis servers of the run (found or started).
    guildhall_engine: ``"sqlite"`` and ``"postgres"`` - tests using it run on both.
    guildhall_plugins: the plugin names to enable (override it in your conftest).
    guildhall_settings: Settings pointing at a fresh database migrated to head.
    guildhall_db: a Runtime with the ORM initialised on that database.

Set ``GUILDHALL_REQUIRE_SERVICES=1`` (CI) to fail instead of skipping PostgreSQL tests
when no server can be found or started. The fixtures are async: unless the project sets
``asyncio_mode`` itself, the kit turns pytest-asyncio's ``auto`` mode on.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import BUILTIN_PLUGINS, Settings
from core.testing import services
from core.testing.databases import ENGINES, DatabaseFactory
from core.testing.redis_keys import expire_leftovers, new_namespace, remove_namespace

_skipped: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Async tests and fixtures need pytest-asyncio in ``auto`` mode: turn it on unless the
    command line chose a mode (``--asyncio-mode=strict`` keeps strict mode; pytest cannot
    tell an ``asyncio_mode = "strict"`` line from the default)."""
    if config.pluginmanager.hasplugin("asyncio") and config.getoption(
        "asyncio_mode", default=None
    ) is None:
        config.option.asyncio_mode = "auto"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skipped tests (CI turns any skip into a failure)."""
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``GUILDHALL_REQUIRE_SERVICES=1`` a skipped test fails the run."""
    if services.required() and _skipped and exitstatus == 0:
        print(f"\nGUILDHALL_REQUIRE_SERVICES=1: {len(_skipped)} test(s) skipped, failing:")
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def guildhall_services() -> Iterator[dict[str, Any]]:
    """``{"postgres": Service|None, "redis": Service|None, "reasons": {...}}``."""
    pg, pg_reason = services.postgres()
    rd, rd_reason = services.redis()
    if rd is not None and rd.origin != "throwaway":
        asyncio.run(expire_leftovers(rd.url))  # keys of runs that crashed before cleaning up
    if services.required() and (pg is None or rd is None):
        pytest.exit(
            f"GUILDHALL_REQUIRE_SERVICES=1 but a service is missing: {pg_reason} {rd_reason}",
            returncode=3,
        )
    yield {"postgres": pg, "redis": rd, "reasons": {"postgres": pg_reason, "redis": rd_reason}}
    for service in (pg, rd):
        if service is not None:
            service.stop()


@pytest.fixture(scope="session")
def guildhall_database_factory(
    guildhall_services: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    """Creates per-test databases from per-session migrated templates."""
    pg = guildhall_services["postgres"]
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"), pg.url if pg else None)
    yield factory
    asyncio.run(factory.drop_all())


@pytest.fixture(params=ENGINES)
def guildhall_engine(request: pytest.FixtureRequest, guildhall_services: dict) -> str:
    """The database engine under test; every test using it runs on SQLite and PostgreSQL."""
    engine = request.param
    if engine == "postgres" and guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    return engine


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """Plugins enabled in ``guildhall_settings`` (all built-ins unless overridden)."""
    return list(BUILTIN_PLUGINS)


@pytest.fixture
def guildhall_redis_url(guildhall_services: dict) -> str:
    """URL of a real Redis server (skips, or fails in CI, when none is available)."""
    service = guildhall_services["redis"]
    if service is None:
        pytest.skip(guildhall_services["reasons"]["redis"])
    return service.url


def make_settings(
    database_url: str, plugins: list[str], namespace: str | None = None, **sections: Any
) -> Settings:
    """Settings for tests: the given database and plugins, a short leader lease running
    only the timers, every Redis key under ``namespace`` (a fresh one unless given), the
    rest default."""
    namespace = namespace or new_namespace()
    data: dict[str, Any] = {
        "database": {"url": database_url},
        "plugins": {"enabled": plugins},
        "logging": {"level": "WARNING"},
        "leader": {"duties": ["timers"], "ttl_seconds": 3, "renew_seconds": 1,
                   "key": f"{namespace}:leader"},
        "cluster": {"identify_key": f"{namespace}:identify",
                    "status_key": f"{namespace}:status"},
    }
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    return Settings(**data)


@pytest.fixture
async def guildhall_settings(
    guildhall_engine: str,
    guildhall_plugins: list[str],
    guildhall_database_factory: DatabaseFactory,
    guildhall_services: dict[str, Any],
) -> AsyncIterator[Settings]:
    """Settings whose database is fresh and migrated to head for ``guildhall_plugins``.

    On PostgreSQL the lease and wake-ups go through the real Redis (as in production);
    on SQLite through the single-machine file lock and socket.
    """
    base = make_settings("sqlite://:memory:", guildhall_plugins)
    url = await guildhall_database_factory.create_migrated(guildhall_engine, base)
    extra: dict[str, Any] = {}
    redis = guildhall_services["redis"]
    if guildhall_engine == "postgres" and redis is not None:
        extra["redis"] = {"url": redis.url}
    namespace = new_namespace()
    yield make_settings(url, guildhall_plugins, namespace, **extra)
    await guildhall_database_factory.drop(url)
    if "redis" in extra:
        await remove_namespace(redis.url, namespace)


@pytest.fixture
async def guildhall_db(guildhall_settings: Settings) -> AsyncIterator[Runtime]:
    """A Runtime with the ORM open on a fresh migrated database; closed afterwards."""
    runtime = Runtime.from_settings(guildhall_settings)
    await runtime.open_database()
    try:
        yield runtime
    finally:
        await close_database()
from core.testing.bot_fixtures import *  # noqa: E402,F403


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The Discord double's route lines: served, called, lacking, conformant."""
    route_usage = sys.modules.get("core.testing.double.route_usage")
    if route_usage is None:  # no double was used in this run
        return
    for line in route_usage.summary_lines():
        terminalreporter.write_line(line)
