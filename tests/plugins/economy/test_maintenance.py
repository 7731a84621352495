"""Economy archive boundary and the balance check (hot + archive) on both engines."""

from __future__ import annotations

from core.db.models import GuildMember, User
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction, TransactionArchive
from tests.core.maintenance.maintenance_support import DAY, SUNDAY, around, engine_for


async def _member(user_id: int, guild_id: int, coins: int) -> None:
    await User.get_or_create(user_id=user_id, defaults={"username": f"u{user_id}"})
    await GuildMember.create(user_id=user_id, guild_id=guild_id, coins=coins)


async def test_archive_takes_exactly_the_rows_past_the_cutoff(guildhall_db) -> None:
    moments = around(SUNDAY - 90 * DAY)
    for amount, moment in enumerate(moments, start=1):
        await Transaction.create(user_id=1, guild_id=2, amount=amount, transaction_type="work",
                                 created_at=moment)
    await _member(1, 2, coins=6)
    [report] = await engine_for(guildhall_db).run_jobs(["economy.transactions.archive"],
                                                       now=SUNDAY)
    assert report.rows == 1
    assert await TransactionArchive.all().values_list("created_at", flat=True) == moments[:1]
    hot = await Transaction.all().order_by("id").values_list("created_at", flat=True)
    assert hot == moments[1:]
    assert await balance_mismatches() == []  # 1 archived + 2 + 3 hot = 6 coins


async def test_balance_check_reports_user_guild_expected_and_actual(guildhall_db) -> None:
    await _member(1, 2, coins=100)
    await Transaction.create(user_id=1, guild_id=2, amount=60, transaction_type="work")
    await TransactionArchive.create(id=999, user_id=1, guild_id=2, amount=30,
                                    transaction_type="daily", created_at=SUNDAY - 200 * DAY)
    await _member(3, 2, coins=0)  # no transactions, no coins: consistent
    await _member(4, 2, coins=5)  # coins from nowhere
    await Transaction.create(user_id=5, guild_id=2, amount=7, transaction_type="work")
    problems = await balance_mismatches()
    assert problems == [
        "user 1 guild 2: expected 90 (sum of transactions + archive), actual coins 100",
        "user 4 guild 2: expected 0 (sum of transactions + archive), actual coins 5",
        "user 5 guild 2: transactions sum 7 but no guild_members row",
    ]
