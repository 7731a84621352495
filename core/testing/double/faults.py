"""Fault switches for reliability tests: forced 429/5xx, random failure shares, delays.

Gateway faults (dropping a shard's socket, RECONNECT, INVALID_SESSION) live on
:class:`~core.testing.double.server.DiscordDouble` because they act on live sockets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class FaultRule:
    """One fault: which requests it matches, what it does, how many times."""

    kind: str  # "rate_limit" | "fail" | "share" | "delay"
    method: str | None = None
    route: str | None = None
    times: int | None = 1
    status: int = 500
    retry_after: float = 0.5
    is_global: bool = False
    scope: str = "user"
    share: float = 0.0
    delay_ms: float = 0.0
    hits: int = 0

    def matches(self, method: str, route: str) -> bool:
        """Whether the rule applies to a request (None matches anything)."""
        if self.method is not None and self.method != method.upper():
            return False
        return self.route is None or self.route == route

    @property
    def exhausted(self) -> bool:
        """Whether the rule has fired ``times`` times already."""
        return self.times is not None and self.hits >= self.times


@dataclass
class FaultDecision:
    """What the REST layer must do for one request."""

    delay_ms: float = 0.0
    status: int | None = None
    retry_after: float = 0.5
    is_global: bool = False
    scope: str = "user"


class Faults:
    """Registry of REST fault rules; randomness is driven by a seeded RNG (deterministic)."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.rules: list[FaultRule] = []

    def reseed(self, seed: int) -> None:
        """Reset the RNG used for ``fail_share``."""
        self.rng = random.Random(seed)

    def rate_limit(
        self,
        route: str | None = None,
        method: str | None = None,
        *,
        times: int | None = 1,
        retry_after: float = 0.5,
        is_global: bool = False,
        scope: str = "user",
    ) -> FaultRule:
        """Answer the next ``times`` matching requests with 429 (None = forever)."""
        return self._add(
            FaultRule(
                "rate_limit",
                _up(method),
                route,
                times,
                status=429,
                retry_after=retry_after,
                is_global=is_global,
                scope=scope,
            )
        )

    def fail(
        self,
        route: str | None = None,
        method: str | None = None,
        *,
        status: int = 500,
        times: int | None = 1,
    ) -> FaultRule:
        """Answer the next ``times`` matching requests with ``status`` (e.g. 500, 502)."""
        return self._add(FaultRule("fail", _up(method), route, times, status=status))

    def fail_share(
        self,
        share: float,
        *,
        status: int = 500,
        route: str | None = None,
        method: str | None = None,
        retry_after: float = 0.1,
    ) -> FaultRule:
        """Fail a ``share`` (0..1) of matching requests with ``status`` (500 or 429)."""
        if not 0.0 <= share <= 1.0:
            raise ValueError("share must be within 0..1")
        rule = FaultRule(
            "share", _up(method), route, None, status=status, share=share, retry_after=retry_after
        )
        return self._add(rule)

    def delay(
        self,
        ms: float,
        route: str | None = None,
        method: str | None = None,
        *,
        times: int | None = None,
    ) -> FaultRule:
        """Delay matching responses by ``ms`` milliseconds."""
        return self._add(FaultRule("delay", _up(method), route, times, delay_ms=ms))

    def remove(self, rule: FaultRule) -> None:
        """Remove one rule."""
        if rule in self.rules:
            self.rules.remove(rule)

    def clear(self) -> None:
        """Remove all rules."""
        self.rules.clear()

    def decide(self, method: str, route: str) -> FaultDecision:
        """Evaluate the rules for one request (consumes ``times`` and RNG draws)."""
        decision = FaultDecision()
        for rule in self.rules:
            if rule.exhausted or not rule.matches(method, route):
                continue
            if rule.kind == "delay":
                rule.hits += 1
                decision.delay_ms += rule.delay_ms
                continue
            if decision.status is not None:
                continue
            if rule.kind == "share" and self.rng.random() >= rule.share:
                continue
            rule.hits += 1
            decision.status = rule.status
            decision.retry_after = rule.retry_after
            decision.is_global = rule.is_global
            decision.scope = rule.scope
        return decision

    def _add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule


def _up(method: str | None) -> str | None:
    return method.upper() if method else None
