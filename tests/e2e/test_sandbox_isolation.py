"""``guildhall sandbox`` is never a second leader on a deployment's data.

Run in a deployment's directory (its ``config.toml`` and ``DATABASE_URL`` /
``GUILDHALL_DATABASE__URL`` / ``REDIS_URL`` pointing at the real database), the sandbox
runs on a throwaway database: the deployment's due reminder and due temp ban stay
pending, no backup is taken and none of its Redis keys is written. A database named
with ``--database`` is used, but no leader duty runs on it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from tortoise import connections

from core.db.database import CONNECTION
from core.db.models import GuildConfig
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.testing.bot_fixtures import profile_environment
from core.testing.sandbox.world import demo_id
from plugins.moderation.models import TempPunishment
from plugins.reminders.models import Reminder

REAL_GUILD, REAL_USER, REAL_CHANNEL = 1100000000000000001, 1100000000000000002, 1100000000000000003
PING_SCRIPT = "> /ping\n< Pong\n@admin\n> /prefix set prefix=?\n< Prefix set to `?`\n"


async def guildhall(cwd: Path, *args: str, **env: str) -> tuple[int, str, str, int]:
    """Run the ``guildhall`` CLI in ``cwd``; return (exit code, stdout, stderr, its pid)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("GUILDHALL_")
                 and k not in ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from core.cli import main; main()", *args,
        cwd=cwd, env={**inherited, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 120)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode(), proc.pid


async def seed_due_work() -> None:
    """A real user's reminder and a real temp ban, both due now."""
    past = datetime.now(UTC) - timedelta(minutes=5)
    await Reminder.create(user_id=REAL_USER, channel_id=REAL_CHANNEL, guild_id=REAL_GUILD,
                          message="real reminder", remind_at=past)
    await TempPunishment.create(user_id=REAL_USER, guild_id=REAL_GUILD,
                                punishment_type="ban", expires_at=past)


async def deployment_state() -> dict[str, Any]:
    """The deployment's timer rows (every column) and its leader fence."""
    conn = connections.get(CONNECTION)
    return {
        "reminders": await Reminder.filter(guild_id=REAL_GUILD).order_by("id").values(),
        "temp_punishments": await TempPunishment.filter(guild_id=REAL_GUILD)
        .order_by("id").values(),
        "fence": await conn.execute_query_dict('SELECT * FROM "leader_fence"'),
    }


def write_deployment_config(
    directory: Path, settings: Settings, redis: str, prefix: str
) -> Path:
    """A deployment's ``config.toml``: its database, Redis, keys and backup directory."""
    text = (
        f"[database]\nurl = {settings.database.url.get_secret_value()!r}\n"
        f"[redis]\nurl = {redis!r}\n"
        f"[leader]\nkey = '{prefix}:leader'\n"
        f"[cluster]\nstatus_key = '{prefix}:status'\nidentify_key = '{prefix}:identify'\n"
        f"[backup]\ndirectory = {str(directory / 'backups')!r}\n"
    )
    path = directory / "config.toml"
    path.write_text(text)
    return path


def deployment_env(settings: Settings, redis_url: str) -> dict[str, str]:
    url = settings.database.url.get_secret_value()
    return {"DATABASE_URL": url, "GUILDHALL_DATABASE__URL": url, "REDIS_URL": redis_url}


async def keys_matching(redis_url: str, pattern: str) -> list[bytes]:
    client = aioredis.from_url(redis_url)
    try:
        return [key async for key in client.scan_iter(match=pattern, count=500)]
    finally:
        await client.aclose()


async def test_sandbox_leaves_the_configured_database_alone(
    guildhall_db: Runtime, guildhall_redis_url: str, guildhall_profile: str | None,
    tmp_path: Path
) -> None:
    settings = guildhall_db.settings
    await seed_due_work()
    before = await deployment_state()
    prefix = f"deploy-{uuid.uuid4().hex[:12]}"
    write_deployment_config(tmp_path, settings, guildhall_redis_url, prefix)

    code, out, err, pid = await guildhall(
        tmp_path, "sandbox", "--script", "reminders",
        **deployment_env(settings, guildhall_redis_url), **profile_environment(guildhall_profile),
    )

    assert code == 0, out + err
    after = await deployment_state()
    assert after == before  # the due reminder and temp ban are still pending, untouched
    assert after["reminders"][0]["completed"] is False
    assert "reminder: tea" in out  # the throwaway database's own timers did run
    first = out.splitlines()[0]
    assert first.startswith("sandbox: throwaway database ") and "are ignored" in first
    assert not (tmp_path / "backups").exists() and not (tmp_path / "data").exists()
    assert await keys_matching(guildhall_redis_url, f"{prefix}*") == []
    # the configured Redis was not used at all: not even under the sandbox's own prefix
    assert await keys_matching(guildhall_redis_url, f"guildhall-sandbox-{pid}:*") == []


async def test_named_database_is_used_without_leader_duties(
    guildhall_db: Runtime, guildhall_redis_url: str, guildhall_profile: str | None,
    tmp_path: Path
) -> None:
    settings = guildhall_db.settings
    await seed_due_work()
    before = await deployment_state()
    prefix = f"deploy-{uuid.uuid4().hex[:12]}"
    write_deployment_config(tmp_path, settings, guildhall_redis_url, prefix)
    script = tmp_path / "ping.txt"
    script.write_text(PING_SCRIPT)
    url = settings.database.url.get_secret_value()

    code, out, err, _ = await guildhall(
        tmp_path, "sandbox", "--script", str(script), "--database", url,
        **deployment_env(settings, guildhall_redis_url), **profile_environment(guildhall_profile),
    )

    assert code == 0, out + err
    assert "no leader duties run on it (no timers, no maintenance, no backups)" in (
        out.splitlines()[0])
    demo = await GuildConfig.get(guild_id=demo_id(2))
    assert demo.prefix == "?"  # the named database is the one the sandbox used
    assert await deployment_state() == before  # no timer ran, no leader fence was taken
    assert not (tmp_path / "backups").exists()
    assert await keys_matching(guildhall_redis_url, f"{prefix}*") == []


@pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)
async def test_named_redis_keys_live_under_the_sandbox_namespace(
    guildhall_settings: Settings, guildhall_redis_url: str, guildhall_profile: str | None,
    tmp_path: Path
) -> None:
    prefix = f"deploy-{uuid.uuid4().hex[:12]}"
    write_deployment_config(tmp_path, guildhall_settings, guildhall_redis_url, prefix)
    script = tmp_path / "ping.txt"
    script.write_text(PING_SCRIPT)

    code, out, err, pid = await guildhall(
        tmp_path, "sandbox", "--script", str(script), "--redis", guildhall_redis_url,
        REDIS_URL=guildhall_redis_url, **profile_environment(guildhall_profile),
    )

    assert code == 0, out + err
    assert await keys_matching(guildhall_redis_url, f"{prefix}*") == []
    status = await keys_matching(guildhall_redis_url, f"guildhall-sandbox-{pid}:status:*")
    assert status  # the workers reported their status under the sandbox's own prefix


async def test_unusable_named_database_is_refused_before_anything_starts(tmp_path: Path) -> None:
    code, out, err, _ = await guildhall(
        tmp_path, "sandbox", "--script", "demo", "--database", "mysql://u:hunter2@h/db"
    )
    assert code == 2
    assert "--database 'mysql://u:***@h/db': use sqlite://PATH or postgres://" in err
    assert "hunter2" not in out + err and "Traceback" not in err
    assert os.listdir(tmp_path) == []
