"""The durable timer scheduler the leader runs: sleep until the earliest due row, act.

Not a poll: each pass claims what is due, then sleeps exactly until the next due time
over all sources (``next_attempt_at`` for retried rows), woken early by a wake-up
(:mod:`core.coordination.wakeups`) about an earlier row, or when a handler finishes while all
``max_concurrency`` slots were busy; it re-checks at least every
``safety_recheck_seconds``. Claims, outcomes and backoff live in :mod:`core.timers.claims`.

Lifecycle of one :meth:`Scheduler.run`:

- ``term.lost`` set: the loop stops at once. Handlers still running are **cancelled**
  (not awaited: this process is no longer the leader), their claims released (fenced,
  best effort) so the next leader retries them at once; an outcome already being
  recorded is allowed to finish, up to ``STOP_GRACE_SECONDS`` (a handler that ignores
  cancellation is left behind after one more second). ``run`` then returns.
- a newer leader fenced this epoch out: the same shutdown, then :class:`FencedOut` is
  raised so the leader steps down.
- the task running ``run`` is cancelled: the same shutdown, then the cancellation
  propagates.
- a database error in a pass is logged and the pass retried after ``DB_ERROR_PAUSE``; a
  failing wake-up backend is logged and the safety re-check carries on alone.

Concurrency is bounded by ``max_concurrency`` in-flight rows: a pass claims at most as many
rows as there are free slots (in batches of ``batch_size``), so no claim ages while waiting
for a slot, and 10,000 due rows flow through in steady batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.coordination.wakeups import Wakeups
from core.leader.fencing import FencedOut
from core.plugins.contracts import TimerSource
from core.plugins.manager import PluginManager
from core.runtime import log_context
from core.runtime.config import SchedulerSettings
from core.runtime.stopping import finish_within
from core.timers import claims as timer_claims
from core.timers.claims import Claim, LeaderTerm
from core.timers.columns import TimerColumns

if TYPE_CHECKING:
    from core.plugins.bot_like import BotLike

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 5.0
HANDLER_SHARE_OF_CLAIM = 0.8  # a handler gets this share of claim_seconds, then times out
BUSY_RETRY_SECONDS = 0.05  # due rows we could not claim (another holder): look again soon
DB_ERROR_PAUSE = 1.0  # a failed pass (database unreachable) is retried after this


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (what due columns store)."""
    return datetime.now(UTC)


def timer_sources(plugins: PluginManager, bot: BotLike | None = None) -> list[TimerSource]:
    """Every enabled plugin's timer sources (a failing plugin is logged and skipped)."""
    return [
        source
        for _plugin, sources in plugins.call("guildhall_timer_sources", bot=bot)
        for source in sources
    ]


def source_problems(sources: Iterable[TimerSource]) -> list[str]:
    """Why these sources cannot be scheduled together (empty when they can)."""
    problems, seen = [], set()
    for source in sources:
        if source.name in seen:
            problems.append(f"two timer sources are named {source.name!r}")
        seen.add(source.name)
        if not issubclass(source.model, TimerColumns):
            problems.append(
                f"timer source {source.name!r}: model {source.model.__name__} must inherit "
                "core.timers.columns.TimerColumns"
            )
        elif source.due_column not in source.model._meta.fields_map:
            problems.append(
                f"timer source {source.name!r}: {source.model.__name__} has no column "
                f"{source.due_column!r}"
            )
        if problem := source.finishing_problem():
            problems.append(problem)
    return problems


class Scheduler:
    """Runs the handlers of due timer rows for as long as the leader's term lasts."""

    def __init__(
        self,
        sources: list[TimerSource],
        settings: SchedulerSettings,
        wakeups: Wakeups,
        *,
        batch_size: int = 200,
    ) -> None:
        problems = source_problems(sources)
        if problems:
            raise ValueError("; ".join(problems))
        self.sources = list(sources)
        self.settings = settings
        self.wakeups = wakeups
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._sleep_until: datetime | None = None
        self._waiting_for_capacity = False
        self._inflight: dict[tuple[str, Any], asyncio.Task[None]] = {}
        self._in_handler: set[tuple[str, Any]] = set()
        self._stopping = False
        self._fenced_out: FencedOut | None = None
        self._foreign_expiry: datetime | None = None
        self._foreign_checked_at: datetime | None = None
        self._rotation = 0

    @property
    def in_flight(self) -> int:
        """Rows whose handler or outcome is running now."""
        return len(self._inflight)

    @property
    def sleeping_until(self) -> datetime | None:
        """When the current sleep ends: the next due row or the safety re-check (None awake)."""
        return self._sleep_until

    def on_wake(self, due_at: datetime) -> None:
        """A row due at ``due_at`` was created: wake up if that is before the current sleep."""
        if self._sleep_until is None or due_at < self._sleep_until:
            self._wake.set()

    async def run(self, term: LeaderTerm) -> None:
        """Handle due rows until ``term.lost`` is set (see the module docstring)."""
        self._stopping = False
        self._fenced_out = None
        self._foreign_checked_at = None
        try:
            await self.wakeups.listen(self.on_wake)
        except Exception as exc:
            log.warning(
                "timer wake-ups unavailable (%s); new rows are seen within %g s", exc,
                self.settings.safety_recheck_seconds,
            )
        try:
            await self._loop(term)
        finally:
            self._stopping = True
            await asyncio.gather(  # both bounded, side by side: within STOP_GRACE_SECONDS + 1
                finish_within(self.wakeups.stop_listening(), STOP_GRACE_SECONDS,
                              "timer wake-ups: stopping"),
                self._stop_inflight(),
            )
        if self._fenced_out is not None:
            raise self._fenced_out

    async def _loop(self, term: LeaderTerm) -> None:
        while not term.lost.is_set() and self._fenced_out is None:
            self._wake.clear()
            self._sleep_until = None
            now = utcnow()
            try:
                next_due = await self._dispatch(term, now)
            except FencedOut as exc:
                self._fenced_out = exc
                return
            except Exception:
                log.exception("timer scheduler pass failed; retrying in %g s", DB_ERROR_PAUSE)
                await self._wait(term, DB_ERROR_PAUSE)
                continue
            if len(self._inflight) >= self.settings.max_concurrency:
                self._waiting_for_capacity = True
                await self._wait(term, self.settings.safety_recheck_seconds)
                self._waiting_for_capacity = False
                continue
            delay = self.settings.safety_recheck_seconds
            if next_due is not None:
                delay = min(delay, max(0.0, (next_due - utcnow()).total_seconds()))
            if delay <= 0:
                continue
            self._sleep_until = utcnow() + timedelta(seconds=delay)
            await self._wait(term, delay)

    async def _wait(self, term: LeaderTerm, seconds: float) -> None:
        waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(term.lost.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    async def _dispatch(self, term: LeaderTerm, now: datetime) -> datetime | None:
        """Claim and start what is due; return when to look next (``None``: nothing waits)."""
        earliest: list[datetime] = []
        order = self.sources[self._rotation :] + self.sources[: self._rotation]
        self._rotation = (self._rotation + 1) % max(1, len(self.sources))
        for source in order:
            free = self.settings.max_concurrency - len(self._inflight)
            if free <= 0:
                break
            found = await timer_claims.scan(source, now, min(free, self.batch_size))
            pks = [pk for pk in found.due if (source.name, pk) not in self._inflight]
            claims = await timer_claims.claim(
                source, pks, term, now, self.settings.claim_seconds
            )
            for claim in claims:
                self._start(term, claim)
            if len(claims) < len(pks):
                self._foreign_checked_at = None  # someone else holds some: when do they expire?
            if found.next_due is not None:
                if found.next_due <= now and len(claims) < len(found.due):
                    # Due but not claimable by us (in flight, or just taken): not a hot loop.
                    earliest.append(now + timedelta(seconds=BUSY_RETRY_SECONDS))
                else:
                    earliest.append(found.next_due)
        foreign = await self._foreign_claims_expiry(term, now)
        if foreign is not None:
            earliest.append(foreign)
        return min(earliest) if earliest else None

    async def _foreign_claims_expiry(self, term: LeaderTerm, now: datetime) -> datetime | None:
        """When another epoch's earliest live claim runs out (a dead leader's rows).

        Such claims exist only from an earlier leader or a racing one, so this is looked up
        at the start of a term, after a claim came back short, and once per safety period.
        """
        recheck = timedelta(seconds=self.settings.safety_recheck_seconds)
        stale = self._foreign_checked_at is None or now - self._foreign_checked_at >= recheck
        if stale or (self._foreign_expiry is not None and self._foreign_expiry <= now):
            expiries = [
                await timer_claims.foreign_claim_expiry(source, term.epoch, now)
                for source in self.sources
            ]
            found = [at for at in expiries if at is not None]
            self._foreign_expiry = min(found) if found else None
            self._foreign_checked_at = now
        return self._foreign_expiry

    def _start(self, term: LeaderTerm, claim: Claim) -> None:
        plugin = claim.source.name.split(".", 1)[0]  # "<plugin>.<what>", by convention
        with log_context.scope(plugin, claim.row):  # the task inherits guild and plugin
            task = asyncio.create_task(self._handle(term, claim), name=f"timer {claim.key}")
        self._inflight[claim.key] = task

    async def _call_handler(self, claim: Claim) -> str | None:
        """Run the handler; ``None`` on success, else the error to record."""
        timeout = self.settings.claim_seconds * HANDLER_SHARE_OF_CLAIM
        self._in_handler.add(claim.key)
        try:
            async with asyncio.timeout(timeout):
                result = await claim.source.handler(claim.row)
        except TimeoutError:
            return f"handler timed out after {timeout:g} s"
        except Exception as exc:
            log.warning(
                "timer %s row %s: handler raised", claim.source.name, claim.row.pk, exc_info=True
            )
            return f"{type(exc).__name__}: {exc}"
        finally:
            self._in_handler.discard(claim.key)
        return None if result is True else f"handler returned {result!r}"

    async def _handle(self, term: LeaderTerm, claim: Claim) -> None:
        source, pk = claim.source, claim.row.pk
        try:
            try:
                error = await self._call_handler(claim)
            except asyncio.CancelledError:
                if self._stopping:
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(STOP_GRACE_SECONDS):
                            await timer_claims.release(claim, term)
                raise
            if error is None:
                if not await timer_claims.finish(claim, term):
                    log.warning("timer %s row %s: claim lost before finishing", source.name, pk)
                return
            failure = await timer_claims.record_failure(
                claim, term, error, self.settings, utcnow()
            )
            if failure.permanent:
                await self._report_permanent_failure(claim, error)
            elif failure.retry_at is not None:
                self.on_wake(failure.retry_at)  # earlier than the current sleep, perhaps
        except FencedOut as exc:
            self._fenced_out = exc
            self._wake.set()
        except Exception:
            # The claim stays until claimed_until; the row is then retried.
            log.exception("timer %s row %s: recording the outcome failed", source.name, pk)
        finally:
            self._inflight.pop(claim.key, None)
            if self._waiting_for_capacity:
                self._wake.set()

    async def _report_permanent_failure(self, claim: Claim, error: str) -> None:
        source, row = claim.source, claim.row
        log.error(
            "timer %s row %s failed permanently after %s attempts: %s",
            source.name, row.pk, row.attempts, error,
        )
        if source.on_permanent_failure is None:
            return
        try:
            await source.on_permanent_failure(row, error)
        except Exception:
            log.exception("timer %s row %s: on_permanent_failure raised", source.name, row.pk)

    async def _stop_inflight(self) -> None:
        """Cancel running handlers; let outcomes being recorded finish (bounded)."""
        tasks = dict(self._inflight)
        for key, task in tasks.items():
            if key in self._in_handler:
                task.cancel()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks.values(), timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)
