"""A deleted user's name and notes leave the other members' ledger rows; amounts stay."""

from __future__ import annotations

from core.db.models import GuildMember
from core.maintenance.integrity import collect_checks, run_checks
from core.services import privacy
from plugins.economy import service as bank
from plugins.economy.models import Transaction, TransactionArchive

GUILD, LEAVER, OTHER, ADMIN = 10, 4_000_001, 4_000_002, 4_000_003


async def archive(row: Transaction) -> None:
    """Move a hot row to the archive unchanged, as the retention job does."""
    await TransactionArchive.create(
        id=row.id, user_id=row.user_id, guild_id=row.guild_id, amount=row.amount,
        transaction_type=row.transaction_type, description=row.description,
        created_at=row.created_at,
    )
    await row.delete()


async def ledger_texts() -> list[str]:
    """Every description in the hot and archived ledger."""
    rows = [*await Transaction.all(), *await TransactionArchive.all()]
    return [row.description or "" for row in rows]


async def test_counterparty_rows_keep_amounts_and_lose_the_user_and_note(guildhall_db) -> None:
    await bank.deposit(LEAVER, GUILD, 500, bank.TransactionType.DAILY)
    await bank.deposit(OTHER, GUILD, 100, bank.TransactionType.DAILY)
    await bank.transfer(GUILD, LEAVER, OTHER, 70, "rent for flat 3b")
    await archive(await Transaction.get(user_id=OTHER, amount=70))
    await bank.transfer(GUILD, OTHER, LEAVER, 20, "pizza money")
    await bank.transfer(GUILD, OTHER, ADMIN, 5)  # names neither: stays as it is
    await bank.change(OTHER, GUILD, 9, bank.TransactionType.ADMIN,
                      f"gave by <@{LEAVER}>: bonus for the quiz")
    before = {
        (row.id, row.amount) for row in await Transaction.filter(user_id=OTHER)
    } | {(row.id, row.amount) for row in await TransactionArchive.filter(user_id=OTHER)}

    report = await privacy.delete_user(guildhall_db.plugins, LEAVER)

    assert report.complete
    texts = await ledger_texts()
    for secret in (str(LEAVER), "rent for flat 3b", "pizza money", "bonus for the quiz"):
        assert not [text for text in texts if secret in text], secret
    assert not await Transaction.filter(user_id=LEAVER).exists()
    assert not await TransactionArchive.filter(user_id=LEAVER).exists()
    hot = {row.id: (row.amount, row.description) for row in
           await Transaction.filter(user_id=OTHER)}
    cold = {row.id: (row.amount, row.description) for row in
            await TransactionArchive.filter(user_id=OTHER)}
    assert {(key, amount) for key, (amount, _) in {**hot, **cold}.items()} == before
    assert list(cold.values()) == [(70, "from a deleted user")]
    assert sorted(hot.values(), key=str) == sorted([
        (100, None), (-20, "to a deleted user"), (-5, f"to <@{ADMIN}>"),
        (9, "gave by a deleted user"),
    ], key=str)
    balance = (await GuildMember.get(user_id=OTHER, guild_id=GUILD)).coins
    assert balance == 100 + 70 - 20 - 5 + 9
    checks = collect_checks(guildhall_db.plugins, guildhall_db.settings)
    [outcome] = await run_checks([c for c in checks if c[1].name == "economy.balances"])
    assert outcome.ok, outcome

    again = await privacy.delete_user(guildhall_db.plugins, LEAVER)
    assert again.total == 0
