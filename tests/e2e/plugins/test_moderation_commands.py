"""Warn, pardon, kick, ban, unban, mute, unmute end to end: cases, log channel, DMs."""

from __future__ import annotations

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, eventually
from plugins.moderation import service
from plugins.moderation.models import ModAction, TempPunishment, Warning
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world

__all__ = ["mod_world"]


async def test_warn_warnings_pardon_with_cases_and_log_channel(mod_world: ModWorld) -> None:
    w = mod_world
    log = w.double.create_channel(w.guild, "mod-log")
    await w.bot.guild_configs.update(w.guild.id, log_channel_id=log.id)
    alice = w.demo.member
    reply = await w.slash(w.mod, "warn", {"member": alice, "reason": "spam @everyone"})
    warning = await Warning.get(user_id=alice.id, guild_id=w.guild.id)
    assert reply.content == f"Case #1: warned **alice** (warning #{warning.id})."
    posted = await channel_reply(w.double, log, timeout=TIMEOUT)
    assert posted.content.startswith(f"Case #1 · Warning of <@{alice.id}> by <@{w.mod.id}>")
    assert warning.active and warning.expires_at is not None
    assert (warning.expires_at - warning.created_at).days in (89, 90)

    listing = await w.slash(w.mod, "warnings", {"member": alice})
    assert "has 1 active warning(s)" in listing.content and f"`#{warning.id}`" in listing.content

    pardon = await w.slash(w.mod, "pardon", {"warning_id": warning.id})
    assert pardon.content == f"Case #2: warning #{warning.id} pardoned."
    assert not (await Warning.get(id=warning.id)).active
    again = await w.slash(w.mod, "pardon", {"warning_id": warning.id})
    assert again.ephemeral and "no active warning" in again.content
    empty = await w.slash(w.mod, "warnings", {"member": alice})
    assert empty.content == "**alice** has no active warnings."
    kinds = [a.action_type for a in await ModAction.filter(guild_id=w.guild.id).order_by("id")]
    assert kinds == ["warn", "pardon"]
    assert_no_mass_mentions(w.double)


async def test_pardon_of_another_guilds_warning_is_refused(mod_world: ModWorld) -> None:
    w = mod_world
    other, _ = await service.add_warning(w.demo.annex.id, w.demo.member.id, 1, "elsewhere", 90)
    reply = await w.slash(w.mod, "pardon", {"warning_id": other.id})
    assert reply.ephemeral and f"no active warning #{other.id} in this server" in reply.content
    assert (await Warning.get(id=other.id)).active
    assert await ModAction.filter(guild_id=w.guild.id).count() == 0


async def test_kick_dms_first_then_kicks_and_records(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "kick", {"member": bob, "reason": "rude"})
    assert reply.content == "Case #1: kicked **bob**."
    assert bob.id not in w.guild.members
    dm = await w.double.wait_for_request("POST", "/users/@me/channels", timeout=TIMEOUT)
    assert dm.json["recipient_id"] in (bob.id, str(bob.id))
    action = await ModAction.get(guild_id=w.guild.id, case_number=1)
    assert (action.action_type, action.target_id, action.reason) == ("kick", bob.id, "rude")
    assert_no_mass_mentions(w.double)


async def test_kick_still_happens_when_the_dm_fails(mod_world: ModWorld) -> None:
    w = mod_world
    carol = w.demo.members["carol"]
    carol.user.accepts_dms = False
    reply = await w.slash(w.mod, "kick", {"member": carol})
    assert reply.content == "Case #1: kicked **carol**." and carol.id not in w.guild.members


async def test_ban_and_unban(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "ban", {"member": bob, "reason": "raid", "delete_messages": 1})
    assert reply.content == "Case #1: banned **bob**." and bob.id in w.guild.bans
    request = await w.double.wait_for_request("PUT", "/guilds/{guild_id}/bans/{user_id}")
    assert request.json["delete_message_seconds"] == 86400
    unban = await w.slash(w.mod, "unban", {"user": bob.user, "reason": "appeal"})
    assert unban.content == "Case #2: unbanned **bob**." and bob.id not in w.guild.bans
    again = await w.slash(w.mod, "unban", {"user": bob.user})
    assert again.ephemeral and "is not banned here" in again.content
    kinds = [a.action_type for a in await ModAction.filter(guild_id=w.guild.id).order_by("id")]
    assert kinds == ["ban", "unban"]


async def test_tempban_replaces_the_expiry_and_unban_forgets_it(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "tempban", {"member": bob, "duration": "7d"})
    assert reply.content == "Case #1: banned **bob** for 1w."
    row = await TempPunishment.get(user_id=bob.id, guild_id=w.guild.id)
    assert row.punishment_type == "ban"
    later = service.utcnow().replace(microsecond=0)
    replaced = await service.set_temp_punishment(w.guild.id, bob.id, "ban", later)
    assert replaced.id == row.id and replaced.expires_at == later
    assert await TempPunishment.all().count() == 1
    await w.slash(w.mod, "unban", {"user": bob.user})
    assert await TempPunishment.all().count() == 0


async def test_bad_durations_are_explained_and_change_nothing(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    for duration, text in [("soon", "Examples: `10m`"), ("400d", "maximum of"),
                           ("30m1h", "largest first")]:
        reply = await w.slash(w.mod, "tempban", {"member": bob, "duration": duration})
        assert reply.ephemeral and text in reply.content, reply.content
    reply = await w.slash(w.mod, "mute", {"member": bob, "duration": "29d"})
    assert reply.ephemeral and "need a mute role" in reply.content
    assert bob.id not in w.guild.bans and await ModAction.all().count() == 0


async def test_mute_with_timeout_then_unmute(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "mute", {"member": bob, "duration": "1h30m", "reason": "calm"})
    assert reply.content == "Case #1: muted **bob** for 1h30m (with a timeout)."
    assert bob.communication_disabled_until is not None
    row = await TempPunishment.get(user_id=bob.id)
    assert row.punishment_type == "mute"
    reply = await w.slash(w.mod, "unmute", {"member": bob})
    assert reply.content == "Case #2: unmuted **bob**."
    assert bob.communication_disabled_until is None
    assert await TempPunishment.all().count() == 0
    action = await ModAction.get(case_number=1, guild_id=w.guild.id)
    assert (action.action_type, action.duration) == ("mute", 5400)


async def test_mute_role_is_used_and_reapplied_on_rejoin(mod_world: ModWorld) -> None:
    w = mod_world
    muted = w.double.create_role(w.guild, "Muted", position=2)
    await w.bot.guild_configs.update(w.guild.id, mute_role_id=muted.id)
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "mute", {"member": bob, "duration": "60d"})
    assert reply.content == "Case #1: muted **bob** for 8w4d (with the mute role)."
    assert muted.id in w.guild.members[bob.id].roles
    assert (await TempPunishment.get(user_id=bob.id)).punishment_type == "mute_role"
    await w.double.member_leave(w.guild, w.guild.members[bob.id])
    back = await w.double.member_join(w.guild, bob.user)
    assert await eventually(lambda: muted.id in w.guild.members[bob.id].roles,
                            timeout=TIMEOUT, message="the mute role was not re-applied")
    reply = await w.slash(w.mod, "unmute", {"member": back})
    assert reply.content == "Case #2: unmuted **bob**."
    assert muted.id not in w.guild.members[bob.id].roles
