"""Database care: statistics and free-space reclaim, bounded so writers are not blocked.

SQLite: ``PRAGMA optimize`` every run. Free pages (``freelist_count / page_count``) are
reclaimed by ``PRAGMA incremental_vacuum`` in steps of :data:`INCREMENTAL_STEP_PAGES`
(each step a short transaction) when the file is in ``auto_vacuum = INCREMENTAL`` mode.
Only when the free ratio exceeds ``[maintenance] vacuum_free_ratio`` does a full
``VACUUM`` run (it rewrites the file and blocks writers while it runs). Incremental
vacuum needs ``auto_vacuum = INCREMENTAL``, which an existing file only adopts through a
full VACUUM: guildhall's migrations create files in the default mode (NONE), so the
first full VACUUM (when the ratio is exceeded anyway) also switches the file to
INCREMENTAL; from then on free pages are reclaimed incrementally. Until then a file in
NONE mode below the ratio is left alone (SQLite reuses free pages for new rows).

PostgreSQL: ``ANALYZE`` (autovacuum reclaims space; no blind ``REINDEX DATABASE``).
None of this runs in a transaction, so it is not fenced; it is idempotent and harmless
if a stale leader runs it concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise import connections

from core.db.database import CONNECTION, dialect

AUTO_VACUUM_MODES = {0: "none", 1: "full", 2: "incremental"}
INCREMENTAL_STEP_PAGES = 1000


@dataclass
class CareReport:
    """What database care found and did (or, in a dry run, would do)."""

    engine: str
    actions: list[str] = field(default_factory=list)
    pages_freed: int = 0
    free_ratio_before: float | None = None
    auto_vacuum: str | None = None

    @property
    def summary(self) -> str:
        """One line for the maintenance report."""
        return "; ".join(self.actions)


async def _pragma(name: str) -> int:
    client = connections.get(CONNECTION)
    _, rows = await client.execute_query(f"PRAGMA {name}")
    return int(next(iter(dict(rows[0]).values())))


async def sqlite_free_pages() -> tuple[int, int]:
    """``(freelist_count, page_count)`` of the open SQLite database."""
    return await _pragma("freelist_count"), await _pragma("page_count")


async def _care_sqlite(vacuum_free_ratio: float, dry_run: bool) -> CareReport:
    client = connections.get(CONNECTION)
    free, pages = await sqlite_free_pages()
    mode = AUTO_VACUUM_MODES.get(await _pragma("auto_vacuum"), "unknown")
    ratio = free / pages if pages else 0.0
    report = CareReport("sqlite", free_ratio_before=ratio, auto_vacuum=mode)
    prefix = "would run " if dry_run else ""
    report.actions.append(f"{prefix}PRAGMA optimize")
    if not dry_run:
        await client.execute_script("PRAGMA optimize")
    stats = f"{free}/{pages} pages free ({ratio:.1%}), auto_vacuum={mode}"
    if ratio > vacuum_free_ratio:
        switch = mode != "incremental"
        report.actions.append(
            f"{prefix}full VACUUM: {stats} > {vacuum_free_ratio:.0%}"
            + ("; switching auto_vacuum to incremental" if switch else "")
        )
        if not dry_run:
            if switch:
                await client.execute_script("PRAGMA auto_vacuum = INCREMENTAL")
            await client.execute_script("VACUUM")
            report.pages_freed = free - (await sqlite_free_pages())[0]
        return report
    if mode == "incremental" and free:
        report.actions.append(f"{prefix}incremental vacuum: {stats}")
        if not dry_run:
            report.pages_freed = await _incremental_vacuum(free)
        return report
    report.actions.append(f"no vacuum: {stats}")
    return report


async def _incremental_vacuum(free: int) -> int:
    """Reclaim free pages in short steps; return how many were freed."""
    client = connections.get(CONNECTION)
    freed = 0
    while free > 0:
        await client.execute_query(f"PRAGMA incremental_vacuum({INCREMENTAL_STEP_PAGES})")
        remaining = await _pragma("freelist_count")
        if remaining >= free:  # nothing more can be reclaimed
            break
        freed += free - remaining
        free = remaining
    return freed


async def care_for_database(vacuum_free_ratio: float, dry_run: bool = False) -> CareReport:
    """Run database care on the open connection (see the module docstring)."""
    if dialect() == "sqlite":
        return await _care_sqlite(vacuum_free_ratio, dry_run)
    report = CareReport("postgres")
    if dry_run:
        report.actions.append("would run ANALYZE")
        return report
    await connections.get(CONNECTION).execute_script("ANALYZE")
    report.actions.append("ANALYZE")
    return report
