"""Temp bans and mutes expire through the leader's scheduler; warnings expire too."""

from __future__ import annotations

from datetime import timedelta

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, eventually
from core.testing.double import permissions as P
from plugins.moderation import service, timers
from plugins.moderation.models import ModAction, TempPunishment, Warning
from tests.e2e.plugins.moderation_support import TIMEOUT, ModWorld, mod_world

__all__ = ["mod_world"]
EXPIRY_WAIT = 45.0  # 5 s punishment + leader election + a busy machine


async def _rows_gone() -> bool:
    return await TempPunishment.all().count() == 0


async def test_five_second_tempban_is_lifted_by_the_scheduler(mod_world: ModWorld) -> None:
    w = mod_world
    log = w.double.create_channel(w.guild, "mod-log")
    await w.bot.guild_configs.update(w.guild.id, log_channel_id=log.id)
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "tempban", {"member": bob, "duration": "5s", "reason": "cool"})
    assert reply.content == "Case #1: banned **bob** for 5s." and bob.id in w.guild.bans
    await channel_reply(w.double, log, timeout=TIMEOUT)
    request = await w.double.wait_for_request(
        "DELETE", "/guilds/{guild_id}/bans/{user_id}", timeout=EXPIRY_WAIT
    )
    assert request.status == 204 and bob.id not in w.guild.bans
    assert await eventually(_rows_gone, timeout=TIMEOUT, message="temp ban row kept")
    action = await ModAction.get(guild_id=w.guild.id, case_number=2)
    assert (action.action_type, action.target_id, action.moderator_id, action.reason) == (
        "unban", bob.id, w.double.bot_user.id, timers.AUTO_REASON
    )
    posted = await channel_reply(w.double, log, timeout=TIMEOUT)
    assert posted.content.startswith(f"Case #2 · Unban of <@{bob.id}>")
    assert_no_mass_mentions(w.double)


async def test_five_second_mute_is_lifted_by_the_scheduler(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    reply = await w.slash(w.mod, "mute", {"member": bob, "duration": "5s"})
    assert reply.content == "Case #1: muted **bob** for 5s (with a timeout)."
    assert bob.communication_disabled_until is not None
    request = await w.double.wait_for_request(
        "PATCH", "/guilds/{guild_id}/members/{user_id}",
        check=lambda r: (r.json or {}).get("communication_disabled_until", 1) is None,
        timeout=EXPIRY_WAIT,
    )
    assert request.status == 200 and bob.communication_disabled_until is None
    assert await eventually(_rows_gone, timeout=TIMEOUT, message="mute row kept")
    action = await ModAction.get(guild_id=w.guild.id, case_number=2)
    assert (action.action_type, action.moderator_id) == ("unmute", w.double.bot_user.id)


async def test_a_ban_lifted_by_hand_is_moot(mod_world: ModWorld) -> None:
    w = mod_world
    bob = w.demo.members["bob"]
    await w.slash(w.mod, "tempban", {"member": bob, "duration": "5s"})
    w.guild.bans.pop(bob.id)  # lifted outside the bot: Discord answers 404
    request = await w.double.wait_for_request(
        "DELETE", "/guilds/{guild_id}/bans/{user_id}", timeout=EXPIRY_WAIT
    )
    assert request.status == 404
    assert await eventually(_rows_gone, timeout=TIMEOUT, message="moot row kept")
    assert [a.action_type for a in await ModAction.all()] == ["tempban"]


async def test_lost_permission_is_recorded_reported_and_kept(mod_world: ModWorld) -> None:
    w = mod_world
    log = w.double.create_channel(w.guild, "mod-log")
    await w.bot.guild_configs.update(w.guild.id, log_channel_id=log.id)
    bob = w.demo.members["bob"]
    await w.slash(w.mod, "tempban", {"member": bob, "duration": "5s"})
    await channel_reply(w.double, log, timeout=TIMEOUT)
    w.double.set_bot_permissions(w.guild, P.DEFAULT_EVERYONE)
    request = await w.double.wait_for_request(
        "DELETE", "/guilds/{guild_id}/bans/{user_id}", timeout=EXPIRY_WAIT
    )
    assert request.status == 403 and bob.id in w.guild.bans
    posted = await channel_reply(w.double, log, timeout=TIMEOUT)
    assert posted.content.startswith(f"Case #2 · Automatic unban FAILED of <@{bob.id}>")

    async def marked_failed() -> bool:
        row = await TempPunishment.get_or_none(user_id=bob.id)
        return row is not None and row.failed_at is not None

    assert await eventually(marked_failed, timeout=TIMEOUT, message="row not marked failed")
    modlog = await w.slash(w.mod, "modlog")
    assert "Automatic unban FAILED" in modlog.content and "403" in modlog.content


async def test_warnings_expire_through_the_scheduler(mod_world: ModWorld) -> None:
    w = mod_world
    alice = w.demo.member
    warning, _ = await service.add_warning(w.guild.id, alice.id, w.mod.id, "old", 90)
    soon = service.utcnow() + timedelta(seconds=2)
    await Warning.filter(id=warning.id).update(expires_at=soon)
    await service.wakeups.notify_created(soon)

    async def inactive() -> bool:
        return not (await Warning.get(id=warning.id)).active

    assert await eventually(inactive, timeout=EXPIRY_WAIT, message="warning still active")
    reply = await w.slash(w.mod, "warnings", {"member": alice})
    assert reply.content == "**alice** has no active warnings."
