"""What the sandbox runs on: never the deployment's database, lease, status or bus.

By default a sandbox gets a throwaway SQLite database in a temporary directory (deleted
on exit) and no Redis: ``config.toml``'s ``[database]``/``[redis]``, ``DATABASE_URL``,
``REDIS_URL`` and ``GUILDHALL_DATABASE__*``/``GUILDHALL_REDIS__*`` are ignored. Its
leader runs the timers of that database only (no maintenance, no backups).

A real database is used only when the operator names it (``--database URL``); the
sandbox then runs no leader duty at all on it (no timers, maintenance or backups), so a
due reminder or temp ban of that deployment is never delivered or lifted by the sandbox.
Every key it may write (leader lease, bus, wake-ups, identify and status) lives under
``guildhall-sandbox-<pid>``, outside any deployment's keys, also with ``--redis URL``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr, ValidationError

from core.runtime.config import DatabaseSettings, RedisSettings, Settings, mask_url

THROWAWAY_DUTIES = ["timers"]
# the variables a worker would otherwise inherit and prefer over what the sandbox chose
OVERRIDDEN_ENV_PREFIXES = ("GUILDHALL_DATABASE__", "GUILDHALL_REDIS__")
OVERRIDDEN_ENV = ("DATABASE_URL", "REDIS_URL")


class SandboxTargetError(ValueError):
    """A ``--database``/``--redis`` URL the sandbox cannot use (the message says why)."""


def sandbox_namespace(pid: int | None = None) -> str:
    """The key prefix of one sandbox run: never a prefix of a deployment's keys."""
    return f"guildhall-sandbox-{os.getpid() if pid is None else pid}"


@dataclass(frozen=True)
class SandboxTarget:
    """The settings a sandbox runs with, and the one line that says so at start."""

    settings: Settings
    named_database: bool
    notice: str


def _checked(database: str | None, redis: str | None) -> tuple[DatabaseSettings | None,
                                                                 RedisSettings | None]:
    try:
        db = DatabaseSettings(url=SecretStr(database)) if database is not None else None
    except ValidationError:
        raise SandboxTargetError(
            f"--database {mask_url(database or '')!r}: use sqlite://PATH or "
            "postgres://user@host:5432/name") from None
    try:
        cache = RedisSettings(url=SecretStr(redis)) if redis is not None else None
    except ValidationError:
        raise SandboxTargetError(
            f"--redis {mask_url(redis or '')!r}: use a redis://, rediss:// or unix:// URL"
        ) from None
    if cache is not None and not cache.url.get_secret_value():
        cache = None
    return db, cache


def sandbox_target(
    settings: Settings, workdir: Path, database: str | None = None, redis: str | None = None
) -> SandboxTarget:
    """``settings`` re-aimed at the sandbox's own database, keys and directories.

    ``workdir`` is the run's temporary directory (throwaway database, backups). The
    cluster's identify and status keys are set by :func:`~.cluster.sandbox_cluster`.
    ``database``/``redis`` are URLs the operator named explicitly (None: not named).
    """
    named_db, named_redis = _checked(database, redis)
    namespace = sandbox_namespace()
    if named_db is None:
        db = settings.database.model_copy(
            update={"url": SecretStr(f"sqlite://{workdir / 'sandbox.db'}")})
        duties: list[str] = list(THROWAWAY_DUTIES)
        notice = (
            f"sandbox: throwaway database {workdir / 'sandbox.db'} (deleted on exit); the "
            "configured database and Redis (config.toml, DATABASE_URL, REDIS_URL, "
            "GUILDHALL_DATABASE__URL, GUILDHALL_REDIS__URL) are ignored; name one with "
            "--database URL"
        )
    else:
        db = settings.database.model_copy(update={"url": named_db.url})
        duties = []
        notice = (
            f"sandbox: using the database named with --database "
            f"{mask_url(named_db.url.get_secret_value())}; no leader duties run on it "
            "(no timers, no maintenance, no backups): its due reminders and temp "
            "punishments stay pending"
        )
    cache = named_redis or RedisSettings()
    leader = settings.leader.model_copy(update={"key": f"{namespace}:leader",
                                                "duties": duties})
    backup = settings.backup.model_copy(update={"directory": str(workdir / "backups")})
    isolated = settings.model_copy(update={
        "database": db, "redis": cache, "leader": leader, "backup": backup,
    })
    return SandboxTarget(isolated, named_db is not None, notice)


def worker_environment(settings: Settings) -> dict[str, str]:
    """This process's environment for a sandbox worker: the deployment's database and
    Redis variables removed; ``settings``' database, Redis, leader key and duties and
    backup directory put in their place (``GUILDHALL_*`` variables win over
    ``config.toml``, which workers also read)."""
    env = {
        key: value for key, value in os.environ.items()
        if key not in OVERRIDDEN_ENV and not key.startswith(OVERRIDDEN_ENV_PREFIXES)
    }
    leader = settings.leader
    env.update(
        GUILDHALL_DATABASE__URL=settings.database.url.get_secret_value(),
        GUILDHALL_REDIS__URL=settings.redis.url.get_secret_value(),
        GUILDHALL_LEADER__KEY=leader.key,
        GUILDHALL_LEADER__DUTIES=json.dumps(list(leader.duties)),
        GUILDHALL_BACKUP__DIRECTORY=settings.backup.directory,
    )
    return env
