"""The fixtures' world outside pytest, for ``python -m tests.bench.chaos_*``.

:func:`bench_world` yields a started double with the demo world and settings whose
database is fresh and migrated (PostgreSQL with the Redis lease when both are reachable,
else SQLite), with the ORM open in this process - what ``guildhall_db``,
``guildhall_double`` and ``guildhall_demo`` give a test.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import disnake

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.testing import services
from core.testing.bot_fixtures import FAST_DOUBLE
from core.testing.databases import DatabaseFactory
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.world import DemoWorld, build_demo_world


@dataclass
class BenchWorld:
    """What a chaos bench runs against."""

    double: DiscordDouble
    demo: DemoWorld
    settings: Settings
    workdir: Path


@contextlib.asynccontextmanager
async def bench_world(plugins: list[str], engine: str = "postgres",
                      **sections: Any) -> AsyncIterator[BenchWorld]:
    """A double, the demo world and a migrated database for ``plugins`` on ``engine``."""
    pg, reason = services.postgres() if engine == "postgres" else (None, "")
    redis, _ = services.redis()
    if engine == "postgres" and pg is None:
        raise SystemExit(f"PostgreSQL is needed: {reason}")
    previous = disnake.http.Route.BASE
    with tempfile.TemporaryDirectory(prefix="guildhall-chaos-") as workdir:
        factory = DatabaseFactory(Path(workdir), pg.url if pg else None)
        url = await factory.create_migrated(engine, make_settings("sqlite://:memory:", plugins))
        extra: dict[str, Any] = dict(sections)
        if engine == "postgres" and redis is not None:
            extra.setdefault("redis", {"url": redis.url})
        settings = make_settings(url, plugins, **extra)
        await Runtime.from_settings(settings).open_database()
        double = await DiscordDouble(**FAST_DOUBLE).start()
        try:
            yield BenchWorld(double, build_demo_world(double), settings, Path(workdir))
        finally:
            await double.close()
            disnake.http.Route.BASE = previous
            await close_database()
            await factory.drop_all()
            for service in (pg, redis):
                if service is not None:
                    service.stop()
