"""Bulk REST work waits while the invalid-request breaker is open; interactions go on.

The breaker opens when the shared invalid count reaches ``slow_at``: the tests add invalid
answers to the bot's own shared counter, then check that level-up rewards and
announcements and the scheduler's expiry unbans are held (nothing reaches the double)
while a slash command is answered, and that the held work completes once the count is
below the threshold again (``slow_at`` raised: the count left the window).
"""

from __future__ import annotations

import asyncio

from core.bot.guildhall_bot import GuildhallBot
from core.coordination.rest_budget import RestBudget
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.e2e.plugins.leveling_support import (
    TIMEOUT,
    leveling,
    manual_flushes,
    role_ids,
    slash,
    talk_and_wait,
)
from tests.e2e.plugins.moderation_support import ModWorld, mod_world

__all__ = ["mod_world"]
EXPIRY_WAIT = 45.0  # a 2 s punishment + leader election + a busy machine
ROLES = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
MESSAGES = "/channels/{channel_id}/messages"


async def open_breaker(budget: RestBudget) -> None:
    """Bring the shared invalid count to the breaker's threshold."""
    budget.recheck_seconds = 0.05
    budget.slow_at = 3
    await budget.invalid.add(3)


def close_breaker(budget: RestBudget) -> None:
    """As if the invalid answers left Discord's 10-minute window."""
    budget.slow_at = 10**9


async def test_rewards_and_announcements_wait_while_a_slash_command_is_answered(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    guild, alice = demo.guild, demo.member
    bronze = double.create_role(guild, "Bronze")
    owner = guild.members[guild.owner_id]
    await slash(double, guild, demo.general, owner, "levels reward add",
                {"level": 2, "role": bronze})
    await slash(double, guild, demo.general, demo.admin, "xp set",
                {"member": alice, "amount": 150})
    await talk_and_wait(double, bot, demo.general, alice)
    announced = len(double.requests.filter("POST", MESSAGES))
    await open_breaker(bot.rest_budget)

    flush = asyncio.create_task(bot.flush())  # the level-up: Bronze and an announcement
    await eventually(lambda: bot.rest_budget.held >= 1, timeout=TIMEOUT,
                     message="the reward was not held")
    reply = await slash(double, guild, demo.general, demo.admin, "levels show")
    assert reply.content  # the interaction was answered while the breaker is open
    assert not flush.done() and not double.requests.filter("PUT", ROLES)
    assert len(double.requests.filter("POST", MESSAGES)) == announced
    assert role_ids(guild, alice) == set()

    close_breaker(bot.rest_budget)
    await asyncio.wait_for(flush, TIMEOUT)
    assert role_ids(guild, alice) == {bronze.id}
    assert len(double.requests.filter("POST", MESSAGES)) == announced + 1  # the level-up
    assert bot.rest_budget.held == 0


async def test_rank_answers_while_the_level_up_it_stored_waits_for_rest(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    """``/rank`` writes the guild's pending XP (not other guilds': its answer needs only
    its own) but hands the level-ups it produced to the background: their REST requests
    queue on the shared budget (here: the breaker), the answer does not."""
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    guild, alice = demo.guild, demo.member
    bronze = double.create_role(guild, "Bronze")
    owner = guild.members[guild.owner_id]
    await slash(double, guild, demo.general, owner, "levels reward add",
                {"level": 2, "role": bronze})
    await slash(double, guild, demo.general, demo.admin, "xp set",
                {"member": alice, "amount": 150})
    await open_breaker(bot.rest_budget)
    await talk_and_wait(double, bot, demo.general, alice)  # pending: the level-up to 2
    elsewhere = guild.id + 1  # another guild of this process, with XP pending
    leveling(bot).buffer.add(alice.id, elsewhere, 30, "alice")

    reply = await slash(double, guild, demo.general, alice, "rank")
    assert reply.content  # answered with the level-up's REST work held
    assert leveling(bot).buffer.pending(alice.id, guild.id) == 0
    assert leveling(bot).buffer.pending(alice.id, elsewhere) == 30
    await eventually(lambda: bot.rest_budget.held >= 1, timeout=TIMEOUT,
                     message="the reward was not handed on")
    assert not double.requests.filter("PUT", ROLES)

    close_breaker(bot.rest_budget)
    await eventually(lambda: role_ids(guild, alice) == {bronze.id}, timeout=TIMEOUT,
                     message="the reward was not given once the breaker closed")


async def test_expiry_unbans_wait_while_a_slash_command_is_answered(
    mod_world: ModWorld,
) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    await open_breaker(w.bot.rest_budget)  # urgent: a moderator's command still goes out
    reply = await w.slash(w.mod, "tempban", {"member": bob, "duration": "2s"})
    assert reply.content == "Case #1: banned **bob** for 2s." and bob.id in w.guild.bans
    await eventually(lambda: w.bot.rest_budget.held >= 1, timeout=EXPIRY_WAIT,
                     message="the expiry unban was not held")
    reply = await w.slash(w.mod, "warnings", {"member": bob})
    assert reply.content  # answered while the unban waits
    assert not w.double.requests.filter("DELETE", "/guilds/{guild_id}/bans/{user_id}")
    assert bob.id in w.guild.bans

    close_breaker(w.bot.rest_budget)
    request = await w.double.wait_for_request(
        "DELETE", "/guilds/{guild_id}/bans/{user_id}", timeout=EXPIRY_WAIT
    )
    assert request.status == 204 and bob.id not in w.guild.bans
