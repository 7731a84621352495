"""Ranks and page jumps from the bucket counts: exact against a full count, both engines.

Every XP write path is exercised (the flush's batched awards, ``/xp`` set/add/remove,
member rows created without XP, a member's privacy delete through the cascade, a guild
purge), with ties and XP spread over every bucket size, and after each step every
position, every page offset and the counts themselves are compared with a full count.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import connections
from tortoise.transactions import in_transaction

from core.db.models import GuildMember, GuildXpBucket, User
from core.services import xp, xp_ranks
from core.services.guild_config import GuildConfigService

GUILD, OTHER = 9, 10
EDGES = sorted({0, 1, 127, 128, 255, 256, 257, 511, 512, 1000, xp.MAX_XP, 2**31 - 1}
               | {v for k in range(8, 31) for v in (2**k - 1, 2**k, 2**k + 1)})


def test_fine_ranges_are_contiguous_and_ordered() -> None:
    for value in EDGES:
        bucket = xp_ranks.fine_bucket(value)
        low, high = xp_ranks.fine_bounds(bucket)
        assert low <= value <= high
        assert xp_ranks.fine_bucket(low) == xp_ranks.fine_bucket(high) == bucket
        if low > 0:
            assert xp_ranks.fine_bucket(low - 1) == bucket - 1
        assert xp_ranks.coarse_bucket(value) == bucket >> xp_ranks.GROUP_BITS
    assert xp_ranks.fine_bucket(2**31 - 1) == 25 * xp_ranks.SUB - 1
    assert xp_ranks.coarse_bucket(2**31 - 1) == 49


async def test_the_sql_ranges_are_the_python_ones(guildhall_db) -> None:
    conn = connections.get("default")
    pg = conn.schema_generator.DIALECT == "postgres"
    values = ", ".join(f"({v})" for v in EDGES)
    expected = {v: xp_ranks.fine_bucket(v) for v in EDGES}
    rows = await conn.execute_query_dict(
        f'WITH t("v") AS (VALUES {values}) '
        f'SELECT "v", {xp_ranks.bucket_sql(chr(34) + "v" + chr(34))} AS "b" FROM t'
    )
    assert {int(r["v"]): int(r["b"]) for r in rows} == expected
    if pg:  # the function the migration wrote out, which the triggers use
        rows = await conn.execute_query_dict(
            f'WITH t("v") AS (VALUES {values}) '
            'SELECT "v", guildhall_xp_bucket("v") AS "b" FROM t'
        )
        assert {int(r["v"]): int(r["b"]) for r in rows} == expected


async def _reset() -> None:
    await GuildMember.all().delete()
    await User.all().delete()
    await GuildXpBucket.all().delete()


async def _check_everything(guild_id: int) -> None:
    """Every position, offset, total and count equals what a full count gives."""
    stored = await GuildMember.filter(guild_id=guild_id).values_list("user_id", "xp")
    board = sorted(((int(u), int(x)) for u, x in stored), key=lambda r: (-r[1], r[0]))
    assert await xp.ranked_members(guild_id) == len(board)
    for line, (user_id, total) in enumerate(board, start=1):
        assert await xp.member_position(guild_id, total, user_id) == line
        assert await xp.rank_position(guild_id, total) == 1 + sum(x > total for _, x in board)
    for probe in (0, 1, 255, 256, 5_000, 77_777, xp.MAX_XP):
        assert await xp.rank_position(guild_id, probe) == 1 + sum(x > probe for _, x in board)
    for offset in range(len(board) + 2):
        for limit in (1, 3):
            rows = await xp.leaderboard(guild_id, offset, limit)
            assert [(r.user_id, r.xp) for r in rows] == board[offset:offset + limit]
    mismatches = await connections.get("default").execute_query_dict(xp_ranks.mismatch_sql())
    assert mismatches == []


xp_values = st.one_of(
    st.integers(0, 300),  # exact ranges, many ties
    st.sampled_from([0, 20, 20, 255, 256, 257, 4095, 4096, 1_000_000]),
    st.integers(0, xp.MAX_XP),  # wide ranges
)
users = st.integers(1, 40)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.dictionaries(users, st.integers(0, 5_000), min_size=1,
                                                    max_size=8)),
        st.tuples(st.just("set"), users, xp_values),
        st.tuples(st.just("add"), users, st.integers(1, 300_000)),
        st.tuples(st.just("remove"), users, st.integers(1, 300_000)),
        st.tuples(st.just("create"), users, st.just(0)),
        st.tuples(st.just("delete_user"), users, st.just(0)),
        st.tuples(st.just("other_guild"), users, xp_values),
    ),
    min_size=3, max_size=12,
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=st.dictionaries(users, xp_values, min_size=5, max_size=30), script=steps)
async def test_ranks_pages_and_counts_match_a_full_count(guildhall_db, start, script) -> None:
    await _reset()
    for user_id in range(1, 41):
        await User.create(user_id=user_id, username=f"u{user_id}")
    for user_id, total in start.items():
        await GuildMember.create(user_id=user_id, guild_id=GUILD, xp=total)
    await _check_everything(GUILD)
    for action, *args in script:
        if action == "award":  # the flush's path: one transaction of batched upserts
            async with in_transaction(xp.CONNECTION) as conn:
                await xp.apply_awards({(u, GUILD): a for u, a in args[0].items()}, {}, conn)
        elif action in ("set", "add", "remove"):
            user_id, amount = args
            async with in_transaction(xp.CONNECTION) as conn:
                if action == "set":
                    await xp.change_member_xp(conn, GUILD, user_id, "", set_to=amount)
                else:
                    delta = amount if action == "add" else -amount
                    await xp.change_member_xp(conn, GUILD, user_id, "", delta=delta)
        elif action == "create":  # a row made by another plugin (economy), XP 0
            await GuildMember.get_or_create(user_id=args[0], guild_id=GUILD)
        elif action == "delete_user":  # a privacy delete: the users row cascades
            await User.filter(user_id=args[0]).delete()
            await User.create(user_id=args[0], username=f"u{args[0]}")
        else:
            await GuildMember.update_or_create(
                user_id=args[0], guild_id=OTHER, defaults={"xp": args[1]}
            )
        await _check_everything(GUILD)
    await _check_everything(OTHER)


async def test_every_write_path_moves_members_across_ranges(guildhall_db) -> None:
    """A fixed walk through each kind of range change (fine and coarse, up and down, into
    the wide ranges and back), so a trigger that misses one fails here by name."""
    await _reset()
    for user_id in range(1, 9):
        await User.create(user_id=user_id, username=f"u{user_id}")
    for user_id, total in enumerate([0, 20, 63, 64, 255, 256, 4_096, 999_999], start=1):
        await GuildMember.create(user_id=user_id, guild_id=GUILD, xp=total)
    await _check_everything(GUILD)
    async with in_transaction(xp.CONNECTION) as conn:  # the flush: 63 -> 70 crosses a coarse
        await xp.apply_awards({(3, GUILD): 7, (1, GUILD): 20, (9, GUILD): 5}, {}, conn)
    await _check_everything(GUILD)
    for user_id, kwargs in [(4, {"set_to": 10}), (7, {"delta": -4_000}), (8, {"set_to": 0}),
                            (2, {"delta": 300_000}), (5, {"delta": 1})]:
        async with in_transaction(xp.CONNECTION) as conn:
            await xp.change_member_xp(conn, GUILD, user_id, "", **kwargs)
        await _check_everything(GUILD)
    await User.filter(user_id=2).delete()  # the cascade deletes the member
    await _check_everything(GUILD)


async def test_a_guild_purge_leaves_no_counts(guildhall_db) -> None:
    await _reset()
    for user_id in range(1, 6):
        await User.create(user_id=user_id, username=f"u{user_id}")
        await GuildMember.create(user_id=user_id, guild_id=GUILD, xp=user_id * 1000)
        await GuildMember.create(user_id=user_id, guild_id=OTHER, xp=user_id)
    await GuildConfigService("!", 0).purge(GUILD)
    assert await GuildXpBucket.filter(guild_id=GUILD).count() == 0
    assert await xp.ranked_members(GUILD) == 0
    assert await xp.leaderboard(GUILD, 2, 10) == []
    await _check_everything(OTHER)


async def test_rebuild_repairs_counts_and_the_check_sees_the_damage(guildhall_db) -> None:
    await _reset()
    for user_id in range(1, 30):
        await User.create(user_id=user_id, username=f"u{user_id}")
        await GuildMember.create(user_id=user_id, guild_id=GUILD, xp=(user_id * 7919) % 3000)
    conn = connections.get("default")
    some = await GuildXpBucket.filter(guild_id=GUILD, tier=xp_ranks.FINE).first()
    assert some is not None
    await GuildXpBucket.filter(id=some.id).update(members=99)
    await GuildXpBucket.filter(guild_id=GUILD, tier=xp_ranks.COARSE).delete()
    damage = await conn.execute_query_dict(xp_ranks.mismatch_sql())
    assert {r["side"] for r in damage} == {"stored", "counted"}
    async with in_transaction(xp.CONNECTION) as tx:
        written = await xp_ranks.rebuild(tx)
    async with in_transaction(xp.CONNECTION) as tx:
        assert await xp_ranks.rebuild(tx) == written  # idempotent
    await _check_everything(GUILD)
