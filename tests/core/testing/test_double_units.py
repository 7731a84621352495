"""Unit tests for the double's pure parts: snowflakes, permissions, faults, payloads."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from core.testing.double import SnowflakeGenerator, shard_for
from core.testing.double import permissions as P
from core.testing.double.faults import Faults
from core.testing.double.ids import snowflake_time_ms
from core.testing.double.state import Channel, Guild, Member, Overwrite, Role, User


def make_guild(everyone: int = P.DEFAULT_EVERYONE) -> Guild:
    owner = User(1, "owner")
    guild = Guild(id=100, name="g", owner_id=owner.id)
    guild.roles[100] = Role(100, 100, "@everyone", everyone, 0)
    guild.members[owner.id] = Member(owner, 100)
    return guild


def test_snowflakes_are_unique_recent_and_spread_over_shards() -> None:
    gen = SnowflakeGenerator()
    ids = [gen.next() for _ in range(200)]
    assert len(set(ids)) == 200 and ids == sorted(ids)
    assert abs(snowflake_time_ms(ids[0]) - time.time() * 1000) < 60_000
    shards = {shard_for(i, 4) for i in ids}
    assert shards == {0, 1, 2, 3}
    assert all(shard_for(gen.for_shard(3, 4), 4) == 3 for _ in range(10))


@settings(database=None, deadline=None)
@given(
    everyone=st.integers(0, P.ALL_PERMISSIONS),
    role_perms=st.lists(st.integers(0, P.ALL_PERMISSIONS), max_size=4),
)
def test_base_permissions_union_and_admin(everyone: int, role_perms: list[int]) -> None:
    guild = make_guild(everyone)
    member = Member(User(2, "m"), guild.id)
    for i, perms in enumerate(role_perms):
        guild.roles[200 + i] = Role(200 + i, guild.id, f"r{i}", perms, i + 1)
        member.roles.append(200 + i)
    expected = everyone
    for perms in role_perms:
        expected |= perms
    if expected & P.ADMINISTRATOR:
        expected = P.ALL_PERMISSIONS
    assert P.base_permissions(guild, member) == expected
    assert P.base_permissions(guild, guild.members[1]) == P.ALL_PERMISSIONS


def test_channel_overwrite_order() -> None:
    guild = make_guild()
    role = Role(300, guild.id, "r", 0, 1)
    guild.roles[role.id] = role
    member = Member(User(2, "m"), guild.id, roles=[role.id])
    chan = Channel(id=50, type=0, name="c", guild_id=guild.id)
    chan.overwrites = [
        Overwrite(guild.id, 0, deny=P.SEND_MESSAGES),
        Overwrite(role.id, 0, allow=P.SEND_MESSAGES),
    ]
    assert P.channel_permissions(guild, chan, member) & P.SEND_MESSAGES
    chan.overwrites.append(Overwrite(member.id, 1, deny=P.SEND_MESSAGES))
    assert not P.channel_permissions(guild, chan, member) & P.SEND_MESSAGES
    chan.overwrites = [Overwrite(guild.id, 0, deny=P.VIEW_CHANNEL)]
    assert P.channel_permissions(guild, chan, member) == 0


def test_hierarchy_ties_break_on_id() -> None:
    older, newer = Role(10, 1, "a", 0, 3), Role(11, 1, "b", 0, 3)
    assert P.role_above(older, newer) and not P.role_above(newer, older)


def test_faults_times_and_determinism() -> None:
    faults = Faults(seed=1)
    rule = faults.rate_limit("/x", "GET", times=2)
    decisions = [faults.decide("GET", "/x").status for _ in range(3)]
    assert decisions == [429, 429, None] and rule.hits == 2
    assert faults.decide("POST", "/x").status is None

    def draws(seed: int) -> list[int | None]:
        f = Faults(seed)
        f.fail_share(0.3)
        return [f.decide("GET", "/y").status for _ in range(50)]

    assert draws(5) == draws(5)
    assert 0 < draws(5).count(500) < 50
