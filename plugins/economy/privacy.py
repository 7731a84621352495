"""The other members' ledger rows that name a user who deleted their data.

A transfer writes two rows: the sender's ``to <@recipient> (note)`` and the recipient's
``from <@sender> (note)``; an admin grant writes ``gave by <@admin>: reason``. Deleting a
user removes their own rows; the other member's row must stay (its amount is part of
that member's balance, which always equals the sum of their hot and archived rows), so
only its description is replaced by a fixed text without the deleted user's id and
without the free-text note. Amount, type, member and time stay as they were.
"""

from __future__ import annotations

from tortoise.models import Model

from plugins.economy.models import Transaction, TransactionArchive
from plugins.economy.service import TransactionType

DELETED = "a deleted user"
# (type, description prefix written with the user's id, replacement)
_MENTIONS: tuple[tuple[str, str, str], ...] = (
    (TransactionType.TRANSFER, "to <@{id}>", f"to {DELETED}"),
    (TransactionType.TRANSFER, "from <@{id}>", f"from {DELETED}"),
    (TransactionType.ADMIN, "gave by <@{id}>", f"gave by {DELETED}"),
    (TransactionType.ADMIN, "took by <@{id}>", f"took by {DELETED}"),
)


async def forget_counterparty(user_id: int) -> int:
    """Strip ``user_id`` and the notes from other members' ledger rows (hot and archived);
    return how many rows changed."""
    changed = 0
    model: type[Model]
    for model in (Transaction, TransactionArchive):
        for kind, prefix, replacement in _MENTIONS:
            changed += await model.filter(
                transaction_type=str(kind),
                description__startswith=prefix.format(id=int(user_id)),
            ).update(description=replacement)
    return changed
