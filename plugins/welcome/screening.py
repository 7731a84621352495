"""Members who joined pending membership screening, kept for a bot without a member cache.

With ``[bot] profile = "large"`` disnake caches no member, so the member update that
clears ``pending`` has no cached ``before`` and ``on_member_update`` is not dispatched.
The welcome cog records pending joiners here instead and gives the join role on the
raw member update that shows them no longer pending. The record lives in the worker's
memory: a member still pending when the worker restarts is not remembered.
"""

from __future__ import annotations

from collections import OrderedDict

# pending joiners remembered per worker; the oldest are forgotten beyond this
CAPACITY = 10_000


class AwaitingScreening:
    """A bounded set of ``(guild_id, user_id)`` of members pending screening."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._members: OrderedDict[tuple[int, int], None] = OrderedDict()

    def add(self, guild_id: int, user_id: int) -> None:
        """Remember a pending joiner (forgetting the oldest beyond the capacity)."""
        self._members[(guild_id, user_id)] = None
        self._members.move_to_end((guild_id, user_id))
        while len(self._members) > self.capacity:
            self._members.popitem(last=False)

    def pop(self, guild_id: int, user_id: int) -> bool:
        """Forget the member; whether they were remembered."""
        return self._members.pop((guild_id, user_id), False) is None

    def __len__(self) -> int:
        return len(self._members)
