"""Integrity checks: read-only queries that find data which breaks an invariant.

Plugins contribute checks through ``guildhall_integrity_checks``; core adds its own (no
``guild_members`` row without its ``users`` row; the leaderboard's bucket counts equal a
full count). The weekly ``core.integrity`` job logs
the report; ``guildhall db check-integrity`` prints it and exits 1 on any problem. A
check that raises counts as failed: a broken check must not look like clean data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise import connections

from core.db.database import CONNECTION
from core.plugins.contracts import IntegrityCheck
from core.services import xp_ranks

if TYPE_CHECKING:
    from core.plugins.manager import PluginManager
    from core.runtime.config import Settings

log = logging.getLogger(__name__)
PROBLEM_LIMIT = 100  # problems listed per check; the rest are counted


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The result of one check: its problems, or the error that stopped it."""

    name: str
    owner: str
    problems: list[str]
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the check ran and found nothing."""
        return self.error is None and not self.problems


async def fetch_limited(sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Rows of a read-only query, at most ``PROBLEM_LIMIT + 1`` (the SQL must not LIMIT)."""
    client = connections.get(CONNECTION)
    _, rows = await client.execute_query(f"{sql} LIMIT {PROBLEM_LIMIT + 1}", params or [])
    return [dict(row) for row in rows]


def limit_problems(lines: list[str]) -> list[str]:
    """``lines`` cut to ``PROBLEM_LIMIT`` with a last line saying more exist."""
    if len(lines) <= PROBLEM_LIMIT:
        return lines
    return [*lines[:PROBLEM_LIMIT], f"... more than {PROBLEM_LIMIT} problems; showing the first"]


async def orphan_guild_members() -> list[str]:
    """``guild_members`` rows whose user has no ``users`` row."""
    rows = await fetch_limited(
        'SELECT gm."id", gm."user_id", gm."guild_id" FROM "guild_members" gm '
        'LEFT JOIN "users" u ON u."user_id" = gm."user_id" '
        'WHERE u."user_id" IS NULL ORDER BY gm."id"'
    )
    return limit_problems(
        [
            f"guild_members id {r['id']}: user {r['user_id']} (guild {r['guild_id']}) "
            "has no users row"
            for r in rows
        ]
    )


async def xp_bucket_problems() -> list[str]:
    """Every ``guild_xp_buckets`` row that differs from a full count of ``guild_members``."""
    rows = await fetch_limited(
        f'SELECT * FROM ({xp_ranks.mismatch_sql()}) m '  # noqa: S608
        'ORDER BY "guild_id", "tier", "bucket", "side"'
    )
    tiers = {xp_ranks.FINE: "fine", xp_ranks.COARSE: "coarse"}
    return limit_problems([
        f"guild {r['guild_id']}: {tiers.get(int(r['tier']), r['tier'])} XP range "
        f"{r['bucket']} "
        + (f"stores {r['members']} members, a full count differs" if r["side"] == "stored"
           else f"should count {r['members']} members")
        + " (the maintenance job core.rank_counts rebuilds it)"
        for r in rows
    ])


def core_checks() -> list[IntegrityCheck]:
    """Core's own checks."""
    return [IntegrityCheck("core.orphan_guild_members", orphan_guild_members),
            IntegrityCheck("core.xp_buckets", xp_bucket_problems)]


def collect_checks(
    plugins: PluginManager, settings: Settings
) -> list[tuple[str, IntegrityCheck]]:
    """``(owner, check)`` for every enabled plugin's checks, then core's."""
    found: list[tuple[str, IntegrityCheck]] = []
    for owner, checks in plugins.call("guildhall_integrity_checks", settings=settings):
        for check in checks:
            if not isinstance(check, IntegrityCheck):
                log.error("plugin %r returned %r, not an IntegrityCheck; ignored", owner, check)
                continue
            found.append((owner, check))
    found.extend(("core", check) for check in core_checks())
    return found


async def run_checks(checks: list[tuple[str, IntegrityCheck]]) -> list[CheckOutcome]:
    """Run every check in turn; an exception becomes that check's error."""
    outcomes = []
    for owner, check in checks:
        try:
            problems = list(await check.run())
        except Exception as exc:  # a broken check is reported, never silently clean
            log.exception("integrity check %s failed", check.name)
            outcomes.append(CheckOutcome(check.name, owner, [], f"{type(exc).__name__}: {exc}"))
            continue
        outcomes.append(CheckOutcome(check.name, owner, problems))
    return outcomes


def log_outcomes(outcomes: list[CheckOutcome]) -> int:
    """Log every problem (ERROR) and return how many problems and errors there are."""
    count = 0
    for outcome in outcomes:
        if outcome.error:
            log.error("integrity check %s could not run: %s", outcome.name, outcome.error)
            count += 1
        for problem in outcome.problems:
            log.error("integrity check %s: %s", outcome.name, problem)
        count += len(outcome.problems)
    return count
