"""Prefix twins (``!rank``, ``!leaderboard``, ``!balance``, ``!daily``, ``!work``,
``!transfer``, ``!warn``, ``!case``) do what their slash commands do, and are refused the
same way."""

from __future__ import annotations

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, eventually
from plugins.economy import service as bank
from plugins.moderation.models import ModAction, Warning
from tests.e2e.plugins.leveling_support import stored_xp
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world

__all__ = ["mod_world"]


async def say(w: ModWorld, member: object, text: str) -> str:
    """Send ``text`` in #general as ``member``; the bot's next message there."""
    await w.double.send_message(w.general, member, text)  # type: ignore[arg-type]
    return (await channel_reply(w.double, w.general, timeout=TIMEOUT)).content


async def test_economy_twins_answer_as_the_slash_commands(mod_world: ModWorld) -> None:
    w = mod_world
    alice, bob = w.demo.member, w.demo.members["bob"]
    guild_id = w.guild.id
    claimed = await say(w, alice, "!daily")
    coins = await bank.balance(alice.id, guild_id)
    assert coins > 0 and claimed.startswith("You claimed")
    again = await say(w, alice, "!daily")
    assert "already used" in again and await bank.balance(alice.id, guild_id) == coins
    shown = await say(w, alice, "!balance")
    slash = (await w.slash(alice, "balance")).content
    assert shown == slash
    sent = await say(w, alice, f"!transfer <@{bob.id}> 5")
    assert sent.startswith("Sent") and await bank.balance(bob.id, guild_id) == 5
    refused = await say(w, alice, f"!transfer {bob.id} 999999999")
    assert "Nothing was changed" in refused and await bank.balance(bob.id, guild_id) == 5
    before = await bank.balance(alice.id, guild_id)
    await say(w, alice, "!work")
    assert await bank.balance(alice.id, guild_id) > before
    bad = await say(w, alice, "!transfer")
    assert "`member` is missing" in bad
    assert_no_mass_mentions(w.double)


async def test_rank_twin_answers_as_the_slash_command(mod_world: ModWorld) -> None:
    w = mod_world
    alice = w.demo.member
    assert "is level" in await say(w, alice, "!rank")  # also earns XP, written by the flush
    # the reply may come before the message's XP is buffered (the guild's leveling
    # settings still loading on a busy machine): wait until a flush stores it
    await eventually(lambda: stored_xp(w.bot, w.guild, alice), timeout=TIMEOUT,
                     message="the !rank message earned no XP")
    assert await say(w, alice, "!rank") == (await w.slash(alice, "rank")).content
    bob = w.demo.members["bob"]
    about_bob = await say(w, alice, "!rank bob")
    assert about_bob == (await w.slash(alice, "rank", {"member": bob})).content
    board = await say(w, alice, "!leaderboard")
    assert board == (await w.slash(alice, "leaderboard")).content and "alice" in board


async def test_moderation_twins_act_and_refuse_as_the_slash_commands(
    mod_world: ModWorld
) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    denied = await say(w, w.demo.member, f"!warn <@{bob.id}> spamming links")
    assert denied.startswith("You need these permissions: Timeout Members")
    assert await Warning.all().count() == 0 and await ModAction.all().count() == 0
    denied_case = await say(w, w.demo.member, "!case 1")
    assert denied_case.startswith("You need these permissions")
    warned = await say(w, w.mod, f"!warn <@{bob.id}> spamming links")
    assert warned.startswith("Case #1: warned")
    warning = await Warning.get(user_id=bob.id)
    assert warning.reason == "spamming links"
    case = await say(w, w.mod, "!case 1")
    assert "spamming links" in case
    assert case == (await w.slash(w.mod, "case", {"number": 1})).content
    assert_no_mass_mentions(w.double)
