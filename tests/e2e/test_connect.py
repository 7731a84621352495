"""The bot connects with two shards and receives READY and its guilds on each."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.double import DiscordDouble, shard_for
from core.testing.sandbox.world import DemoWorld


def dispatched(double: DiscordDouble, shard_id: int, event: str) -> list[dict]:
    """Payloads of ``event`` the double sent to sessions of ``shard_id``."""
    return [
        p["d"]
        for s in double.gateway.sessions.values()
        if s.shard_id == shard_id
        for p in s.buffer
        if p["t"] == event
    ]


async def test_two_shards_ready_with_their_guilds(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    assert guildhall_bot.shard_count == 2
    assert sorted(guildhall_bot.shards) == [0, 1]
    assert {g.id for g in guildhall_bot.guilds} == set(demo.guild_ids)
    for shard_id in (0, 1):
        assert len(dispatched(double, shard_id, "READY")) == 1
        expected = {g for g in demo.guild_ids if shard_for(g, 2) == shard_id}
        assert len(expected) == 1  # the demo world spreads its guilds over both shards
        assert {int(d["id"]) for d in dispatched(double, shard_id, "GUILD_CREATE")} == expected
    guild = guildhall_bot.get_guild(demo.guild.id)
    assert guild is not None and guild.shard_id == 0
    if guildhall_bot.settings.bot.profile == "default":
        assert guild.get_member(demo.admin.id) is not None  # every guild chunked at start
    else:  # "large" turns chunking and the member cache off by design (core/bot/profile.py)
        assert not guild.chunked and guild.get_member(demo.admin.id) is None
    assert [i.shard_id for i in double.gateway.identifies if i.accepted] == [0, 1]
