"""The custom command name cache: a miss is cached, and a create is seen at once."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.bench.common import StatementCounter
from tests.e2e.plugins.customcmds_support import customcmds, say, slash


async def test_unknown_names_cost_no_query_and_creating_one_works_at_once(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    cog = customcmds(guildhall_bot)
    assert (await say(double, demo.general, demo.member, "!ping")).content.startswith("Pong")
    await double.send_message(demo.general, demo.member, "!nothing")  # loads the names ...
    names = await eventually(lambda: cog.names.peek(demo.guild.id) is not None, timeout=15)
    assert names and "nothing" not in cog.names.peek(demo.guild.id)
    with StatementCounter().active() as counter:
        for _ in range(5):
            await double.send_message(demo.general, demo.member, "!nothing here")
        assert (await say(double, demo.general, demo.member, "!ping")).content.startswith("Pong")
    assert not any("custom_commands" in sql for sql in counter.by_sql)  # ... once
    await slash(double, demo.guild, demo.general, demo.admin, "customcmd create",
                {"name": "nothing", "response": "now something"})
    answer = await say(double, demo.general, demo.member, "!nothing")
    assert answer.content == "now something"
