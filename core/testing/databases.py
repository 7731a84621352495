"""Fresh, migrated test databases in milliseconds, on SQLite and PostgreSQL.

The first request for a given plugin set migrates a *template* once per test session
(a SQLite file, or a PostgreSQL database); every test then gets its own copy (a file
copy, or ``CREATE DATABASE ... TEMPLATE``), so each test starts from head with no rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from core.runtime.assembly import Runtime
from core.runtime.config import Settings

ENGINES = ("sqlite", "postgres")
_counter = itertools.count()


def _pg_dsn(server_url: str, database: str) -> str:
    parts = urlsplit(server_url)
    return parts._replace(scheme="postgresql", path=f"/{database}").geturl()


class DatabaseFactory:
    """Creates per-test databases from per-session templates."""

    def __init__(self, workdir: Path, postgres_url: str | None) -> None:
        self.workdir = workdir
        self.postgres_url = postgres_url
        self._templates: dict[tuple[str, str], str] = {}
        self._created: list[str] = []
        self.tag = f"gh{os.getpid()}"

    def url_for(self, engine: str, name: str) -> str:
        """The database URL of ``name`` on ``engine``."""
        if engine == "sqlite":
            return f"sqlite://{self.workdir / name}.db"
        if not self.postgres_url:
            raise RuntimeError("PostgreSQL is not available")
        parts = urlsplit(self.postgres_url)
        return parts._replace(path=f"/{name}").geturl()

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(_pg_dsn(self.postgres_url or "", "postgres"))

    async def create_empty(self, engine: str) -> str:
        """A URL of a brand-new empty database (not migrated)."""
        name = f"{self.tag}_{next(_counter)}"
        if engine == "postgres":
            conn = await self._admin()
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            finally:
                await conn.close()
            self._created.append(name)
        return self.url_for(engine, name)

    async def create_migrated(self, engine: str, settings: Settings) -> str:
        """A URL of a fresh database at head for the plugins enabled in ``settings``."""
        runtime = Runtime.from_settings(settings)
        key = "|".join(f"{a.name}@{a.root}" for a in runtime.migration_apps())
        template_key = (engine, key)
        if template_key not in self._templates:
            template_url = await self.create_empty(engine)
            template_settings = settings.model_copy(deep=True)
            template_settings.database.url = type(settings.database.url)(template_url)
            await Runtime.from_settings(template_settings).upgrade()
            self._templates[template_key] = template_url
        template = self._templates[template_key]
        name = f"{self.tag}_{next(_counter)}"
        if engine == "sqlite":
            source = Path(urlsplit(template).netloc + urlsplit(template).path)
            shutil.copyfile(source, self.workdir / f"{name}.db")
            return self.url_for(engine, name)
        template_name = urlsplit(template).path.lstrip("/")
        conn = await self._admin()
        try:
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        finally:
            await conn.close()
        self._created.append(name)
        return self.url_for(engine, name)

    async def drop(self, url: str) -> None:
        """Drop a PostgreSQL database created here (SQLite files go with the temp dir)."""
        name = urlsplit(url).path.lstrip("/")
        if not url.startswith("postgres") or name not in self._created:
            return
        conn = await self._admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        self._created.remove(name)

    async def drop_all(self) -> None:
        """Drop every PostgreSQL database this factory created (end of session)."""
        if not self.postgres_url:
            return
        for name in list(self._created):
            await self.drop(self.url_for("postgres", name))
