"""/privacy export and /privacy delete through the Discord double, on both engines."""

from __future__ import annotations

import json

import aiohttp

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildMember, SettingsAudit, User, WebSession
from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Member, Message
from core.testing.sandbox.world import DemoWorld
from plugins.analytics.models import CommandStat
from plugins.customcmds.models import CustomCommand
from plugins.economy.models import ShopItem, Transaction, TransactionArchive
from plugins.leveling.models import GlobalBoardOptOut, XpAdjustment
from plugins.moderation.models import ModAction, TempPunishment, Warning
from plugins.reminders.models import Reminder, UserTimezone
from plugins.welcome.models import WelcomeSettings
from tests.core.services.privacy_support import seed_guild, seed_user_extras

TIMEOUT = 20.0  # generous: several engineers share two cores


async def privacy(double: DiscordDouble, demo: DemoWorld, member: Member, sub: str) -> Message:
    """Invoke ``/privacy <sub>`` as ``member``; return the (final) ephemeral answer."""
    handle = await double.invoke_slash(demo.guild, demo.general, member, f"privacy {sub}",
                                       register_timeout=TIMEOUT)
    reply: InteractionReply = await handle.wait_response(timeout=TIMEOUT)
    assert reply.ephemeral and reply.message is not None
    return reply.message


async def seed(demo: DemoWorld) -> tuple[int, int]:
    """Alice's rows in every table (she moderated nothing); bob is a moderator."""
    alice, bob = demo.member.id, demo.members["bob"].id
    await seed_guild(demo.guild.id, alice, bob)
    await seed_guild(demo.annex.id, bob, alice)  # alice made bob's rows in the annex
    await seed_user_extras(alice)
    return alice, bob


async def test_export_sends_a_dm_with_a_json_file_of_everything(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = await seed(demo)

    answer = await privacy(double, demo, demo.member, "export")

    assert answer.content == "I sent you a DM with your data file."
    dm = await double.wait_for_message(check=lambda m: m.guild_id is None, timeout=TIMEOUT)
    [attachment] = dm.attachments
    assert attachment["filename"] == f"guildhall-data-{alice}.json"
    data = json.loads(double.attachment_bytes(attachment))
    async with aiohttp.ClientSession() as http, http.get(attachment["url"]) as served:
        assert json.loads(await served.read()) == data  # disnake's Attachment.read() works
    assert data["user_id"] == str(alice) and data["incomplete"] == []
    core, plugins = data["core"], data["plugins"]
    assert [row["user_id"] for row in core["users"]] == [alice]
    assert {row["guild_id"] for row in core["guild_members"]} == {demo.guild.id}
    assert core["web_sessions"][0]["username"] == "alice"
    assert "secret-token" not in json.dumps(data)  # dashboard tokens never leave
    assert [row["guild_id"] for row in core["settings_audit.actor_id"]] == [demo.annex.id]
    assert len(plugins["economy"]["transactions"]) == 1
    assert len(plugins["economy"]["transactions_archive"]) == 1
    assert plugins["economy"]["shop_items.created_by"][0]["guild_id"] == demo.annex.id
    assert plugins["leveling"]["xp_adjustments"][0]["member_id"] == alice
    assert plugins["leveling"]["xp_adjustments.admin_id"][0]["member_id"] == bob
    assert plugins["moderation"]["mod_actions"][0]["target_id"] == alice
    assert plugins["moderation"]["mod_actions.moderator_id"][0]["target_id"] == bob
    assert len(plugins["moderation"]["warnings"]) == len(plugins["moderation"]["temp_punishments"])
    assert plugins["reminders"]["user_timezones"][0]["timezone"] == "Europe/Berlin"
    assert plugins["reminders"]["reminders"][0]["message"] == "tea"
    assert plugins["customcmds"]["custom_commands.creator_id"][0]["guild_id"] == demo.annex.id
    assert plugins["welcome"]["welcome_settings.set_by"][0]["guild_id"] == demo.annex.id
    assert plugins["leveling"]["global_board_optouts"][0]["user_id"] == alice
    assert {row["user_id"] for row in plugins["analytics"]["command_stats"]} == {alice}
    assert_no_mass_mentions(double, min_checked=2)


async def test_export_falls_back_to_an_ephemeral_file_and_has_a_cooldown(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    bob = demo.members["bob"]
    bob.user.accepts_dms = False
    await seed_guild(demo.guild.id, bob.id, demo.member.id)

    answer = await privacy(double, demo, bob, "export")

    assert answer.content.startswith("I could not DM you, so here is your data file")
    data = json.loads(double.attachment_bytes(answer.attachments[0]))
    assert data["plugins"]["economy"]["transactions"][0]["user_id"] == bob.id
    again = await privacy(double, demo, bob, "export")
    assert again.content.startswith("Slow down: try again in ")
    assert not again.attachments


async def test_delete_asks_first_then_deletes_all_but_the_audit_records(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = await seed(demo)
    annex_before = await Transaction.filter(guild_id=demo.annex.id).count()

    prompt = await privacy(double, demo, demo.member, "delete")
    assert "mod_actions" in prompt.content and "cannot be undone" in prompt.content
    confirm, cancel = prompt.custom_ids()
    handle = await double.press_button(prompt, confirm, demo.members["bob"])
    assert "someone else" in (await handle.wait_response(timeout=TIMEOUT)).content
    await double.press_button(prompt, cancel, demo.member)
    await eventually(lambda: prompt.content.startswith("Cancelled"), timeout=TIMEOUT)
    assert await User.filter(user_id=alice).exists()

    prompt = await privacy(double, demo, demo.member, "delete")
    handle = await double.press_button(prompt, prompt.custom_ids()[0], demo.member)
    done = await handle.wait_followup(timeout=TIMEOUT)

    assert done.ephemeral and done.content.startswith("Deleted ")
    assert "mod_actions" in done.content and prompt.components == []
    for model, column in ((User, "user_id"), (GuildMember, "user_id"), (WebSession, "user_id"),
                          (Transaction, "user_id"), (TransactionArchive, "user_id"),
                          (XpAdjustment, "member_id"), (Reminder, "user_id"),
                          (UserTimezone, "user_id"), (CommandStat, "user_id"),
                          (GlobalBoardOptOut, "user_id")):
        assert not await model.filter(**{column: alice}).exists(), model.__name__
    for model, column in ((ModAction, "target_id"), (Warning, "user_id"),
                          (TempPunishment, "user_id"), (ModAction, "moderator_id"),
                          (SettingsAudit, "actor_id")):
        assert await model.filter(**{column: alice}).exists(), model.__name__  # kept
    for model, column in ((CustomCommand, "creator_id"), (ShopItem, "created_by"),
                          (XpAdjustment, "admin_id"),
                          (WelcomeSettings, "set_by")):  # the annex keeps them, anonymised
        assert await model.filter(guild_id=demo.annex.id, **{column: 0}).count() == 1
    assert await Transaction.filter(guild_id=demo.annex.id).count() == annex_before
    assert await User.filter(user_id=bob).exists()

    prompt = await privacy(double, demo, demo.member, "delete")  # confirm again at once
    handle = await double.press_button(prompt, prompt.custom_ids()[0], demo.member)
    assert "moments ago" in (await handle.wait_response(timeout=TIMEOUT)).content
    assert_no_mass_mentions(double, min_checked=4)
