"""``guild_members`` rows: created on demand, with their ``users`` row.

Leveling (xp, level) and economy (coins) change their columns through their own core
service modules (``core/services/xp.py``, ``core/services/coins.py``); both start here to
make sure the rows exist.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from core.db.models import GuildMember
from core.services.users import ensure_user


async def ensure_member(
    user_id: int, guild_id: int, username: str = "", using_db: BaseDBAsyncClient | None = None
) -> GuildMember:
    """The member row of ``user_id`` in ``guild_id``, creating it (and the user) if missing.

    An existing member implies its user (foreign key): then this is one read.
    """
    member = await GuildMember.get_or_none(user_id=user_id, guild_id=guild_id, using_db=using_db)
    if member is not None:
        return member
    await ensure_user(user_id, username or str(user_id), using_db)
    member, _ = await GuildMember.get_or_create(
        user_id=user_id, guild_id=guild_id, using_db=using_db
    )
    return member


async def delete_members(**where: int) -> int:
    """Delete the ``guild_members`` rows matching ``where`` (``user_id=`` or ``guild_id=``);
    return how many.

    Counted before deleting: on SQLite the ORM's count of a DELETE also includes the rows
    the rank-count triggers change (``core.services.xp_ranks``), which are no members.
    """
    rows = GuildMember.filter(**where)
    count = await rows.count()
    if count:
        await rows.delete()
    return count
