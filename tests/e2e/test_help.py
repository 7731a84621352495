"""``/help`` and ``!help`` through the double: only what the invoker may run, in limits."""

from __future__ import annotations

from typing import Any

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world

__all__ = ["mod_world"]


def text_of(embeds: list[dict[str, Any]]) -> str:
    """Everything the embeds show, one string."""
    parts = []
    for embed in embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or ():
            parts += [field["name"], field["value"]]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def within_limits(embeds: list[dict[str, Any]]) -> None:
    """Discord's embed limits (the double also rejects a request past them)."""
    assert 1 <= len(embeds) <= 10
    assert len(text_of(embeds)) <= 6000
    for embed in embeds:
        assert len(embed.get("description") or "") <= 4096
        assert len(embed.get("fields") or ()) <= 25


async def help_for(w: ModWorld, member: Any, command: str | None = None) -> Any:
    options = {"command": command} if command else None
    reply = await w.slash(member, "help", options)
    assert reply.ephemeral
    within_limits(reply.embeds)
    return reply


async def test_a_plain_member_sees_only_what_they_may_run(mod_world: ModWorld) -> None:
    w = mod_world
    shown = text_of((await help_for(w, w.demo.member)).embeds)
    for name in ("/rank", "/balance", "/daily", "/remind", "/help", "/ping"):
        assert f"`{name}`" in shown, name
    for name in ("/ban", "/warn", "/kick", "/economy give", "/prefix set", "/stats bot"):
        assert f"`{name}`" not in shown, name
    assert "`!rank`" in shown  # the prefix form, with the message content intent
    assert_no_mass_mentions(w.double)


async def test_a_moderator_and_the_owner_see_the_moderation_commands(
    mod_world: ModWorld
) -> None:
    w = mod_world
    moderator = text_of((await help_for(w, w.mod)).embeds)
    assert "`/ban`" in moderator and "`/warn`" in moderator
    assert "`/economy give`" not in moderator  # needs Manage Server
    owner = w.guild.members[w.guild.owner_id]
    everything = text_of((await help_for(w, owner)).embeds)
    for name in ("/ban", "/warn", "/economy give", "/prefix set", "/levels toggle"):
        assert f"`{name}`" in everything, name


async def test_help_for_one_command_shows_its_options_and_examples(
    mod_world: ModWorld
) -> None:
    w = mod_world
    embed = (await help_for(w, w.mod, "ban")).embeds[0]
    assert embed["title"] == "/ban"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "`member` (required)" in fields["Options"]
    assert "`reason` (optional)" in fields["Options"]
    assert "`delete_messages` (optional)" in fields["Options"]
    assert "/ban member:@bob" in fields["Examples"]
    assert fields["Needs"] == "Ban Members"
    assert fields["Prefix form"] == "`!ban <member> [reason] [delete_messages]`"


async def test_a_command_the_member_may_not_run_is_not_explained(mod_world: ModWorld) -> None:
    w = mod_world
    shown = text_of((await help_for(w, w.demo.member, "ban")).embeds)
    assert "There is no command called `ban` that you can use here." in shown
    hostile = text_of((await help_for(w, w.demo.member, "@everyone **x**")).embeds)
    assert "@everyone" not in hostile.replace("@\u200beveryone", "")


async def test_a_switched_off_plugin_leaves_help(mod_world: ModWorld) -> None:
    w = mod_world
    reply = await w.slash(w.demo.admin, "plugins disable", {"plugin": "economy"})
    assert "economy" in reply.content
    shown = text_of((await help_for(w, w.demo.member)).embeds)
    assert "`/balance`" not in shown and "`/rank`" in shown


async def test_prefix_help_lists_and_explains(mod_world: ModWorld) -> None:
    w = mod_world
    await w.double.send_message(w.general, w.demo.member, "!help")
    listing = await channel_reply(w.double, w.general, timeout=TIMEOUT)
    within_limits(listing.embeds)
    shown = text_of(listing.embeds)
    assert "`/balance`" in shown and "`/ban`" not in shown
    await w.double.send_message(w.general, w.demo.member, "!help transfer")
    detail = text_of((await channel_reply(w.double, w.general, timeout=TIMEOUT)).embeds)
    assert "`member` (required)" in detail and "!transfer @bob 250" in detail
    assert_no_mass_mentions(w.double)
