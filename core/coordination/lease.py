"""The lease contract every leader backend (Redis, file lock) implements.

A backend holds at most one lease at a time for its process. ``try_acquire`` either wins
(and returns the new fencing epoch) or says how long to wait before trying again;
``renew`` and ``release`` act only on the lease this backend won (token-checked), so a
process whose lease expired and was taken by another can never extend or drop the new
holder's lease. Transport failures (Redis down) are raised; the elector retries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class LeaseNotHeld(Exception):
    """An operation that needs the lease was attempted by a backend that does not hold it."""


@dataclass(frozen=True)
class Attempt:
    """The outcome of one ``try_acquire``: won with ``epoch``, or retry after a delay."""

    won: bool
    epoch: int = 0
    retry_after: float | None = None  # seconds until the current holder's lease ends


class LeaseBackend(Protocol):
    """Where the lease lives; one instance per process, holding at most one lease."""

    description: str

    async def try_acquire(self) -> Attempt:
        """Take the lease if free; on a win the epoch is strictly newer than any before."""
        ...

    async def renew(self) -> bool:
        """Extend our lease by the ttl; ``False`` when it is no longer ours."""
        ...

    async def raise_epoch(self, at_least: int) -> int:
        """While holding the lease, make the stored epoch at least ``at_least``; return it."""
        ...

    async def release(self) -> bool:
        """Give up our lease so another process can take it at once; ``False`` if not ours."""
        ...

    async def close(self) -> None:
        """Release resources (connections, file handles); the lease is released first."""
        ...
