"""The global leaderboard: users by ``users.global_xp`` across every guild, without the
users who opted out (``global_board_optouts``). Read by ``/global leaderboard`` and the
public page ``/global/leaderboard``; names are the ``users`` table's, never mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from core.plugins.api import TextError, User
from plugins.leveling.models import GlobalBoardOptOut
from plugins.leveling.texts import TEXTS

PAGE_SIZE = 10
MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class GlobalRow:
    """One line of the global leaderboard."""

    position: int
    user_id: int
    username: str
    xp: int
    level: int


def _listed() -> QuerySet[User]:
    hidden = Subquery(GlobalBoardOptOut.all().values("user_id"))
    return User.filter(global_xp__gt=0).exclude(user_id__in=hidden)


class PageOutOfRange(TextError, ValueError):
    """A page number the board does not have (``global.page_range``/``global.no_page``)."""

    owner = TEXTS


async def page(number: int, size: int = PAGE_SIZE) -> tuple[list[GlobalRow], int]:
    """Page ``number`` (1-based) of the board, highest XP first (ties: lower id first),
    and the page count; raises :class:`PageOutOfRange` (a ``ValueError``) for a page out
    of range."""
    if not 1 <= number <= MAX_PAGE:
        raise PageOutOfRange("global.page_range", maximum=MAX_PAGE)
    total = await _listed().count()
    pages = max(1, -(-total // size))
    if number > pages:
        raise PageOutOfRange("global.no_page", page=number, pages=pages)
    start = (number - 1) * size
    rows = await (_listed().order_by("-global_xp", "user_id").offset(start).limit(size)
                  .values("user_id", "username", "global_xp", "global_level"))
    return [GlobalRow(start + i + 1, int(r["user_id"]), str(r["username"]), int(r["global_xp"]),
                      int(r["global_level"])) for i, r in enumerate(rows)], pages


async def opted_out(user_id: int) -> bool:
    """Whether the user asked to be left off the board."""
    return await GlobalBoardOptOut.filter(user_id=user_id).exists()


async def set_opt_out(user_id: int, out: bool) -> bool:
    """Leave the board (``out``) or come back; return whether anything changed."""
    if out:
        _, created = await GlobalBoardOptOut.get_or_create(user_id=user_id)
        return created
    return await GlobalBoardOptOut.filter(user_id=user_id).delete() > 0
