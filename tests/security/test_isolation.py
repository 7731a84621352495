"""Isolation: ids from another guild or another user's reminders are refused, unchanged.

The annex guild has its own warning, case and custom command; the demo guild's
moderators and admins try to reach them by id or name. Members try to read and cancel
each other's reminders.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.bot_fixtures import channel_reply
from core.testing.double.state import Channel, Guild, Member
from plugins.customcmds.models import CustomCommand
from plugins.moderation.models import ModAction, ModActionAmendment, Warning
from plugins.reminders.models import Reminder
from tests.security.hostile import SQL, TIMEOUT, HostileWorld, hostile_world

__all__ = ["hostile_world"]
pytestmark = pytest.mark.reliability


async def slash(w: HostileWorld, member: Member, name: str, options: dict[str, Any],
                guild: Guild | None = None, channel: Channel | None = None) -> Any:
    """Invoke (in the demo guild unless told) and return the first answer."""
    handle = await w.double.invoke_slash(guild or w.guild, channel or w.demo.general, member,
                                         name, options, register_timeout=TIMEOUT)
    return await handle.wait_response(timeout=TIMEOUT)


async def annex_records(w: HostileWorld) -> tuple[int, int]:
    """In the annex: warn the stranger (case #1) and create the ``secret`` command."""
    owner = w.demo.annex.members[w.demo.annex.owner_id]
    annex = {"guild": w.demo.annex, "channel": w.demo.annex_general}
    warned = await slash(w, owner, "warn", {"member": w.stranger, "reason": SQL}, **annex)
    assert warned.content.startswith("Case #1"), warned.content
    created = await slash(w, owner, "customcmd create",
                          {"name": "secret", "response": "annex only"}, **annex)
    assert "Created" in created.content, created.content
    warning = await Warning.get(guild_id=w.demo.annex.id)
    return warning.id, 1


async def test_another_guilds_warning_case_and_command_are_out_of_reach(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    warning_id, case = await annex_records(w)
    mod, admin = w.mod, w.demo.admin
    attempts = [
        (mod, "pardon", {"warning_id": warning_id}, f"There is no active warning #{warning_id}"),
        (mod, "case", {"number": case}, f"There is no case #{case} in this server."),
        (mod, "reason", {"number": case, "text": "hijack"},
         f"There is no case #{case} in this server."),
        (mod, "warnings", {"member": w.stranger.user}, "has no active warnings"),
        (mod, "modlog", {"member": w.stranger.user}, "No moderation actions recorded."),
        (admin, "customcmd info", {"name": "secret"}, "there is no custom command `secret`"),
        (admin, "customcmd edit", {"name": "secret", "response": "pwned"},
         "there is no custom command `secret`"),
        (admin, "customcmd delete", {"name": "secret"}, "there is no custom command `secret`"),
    ]
    for member, name, options, expected in attempts:
        reply = await slash(w, member, name, options)
        assert expected in reply.content, (name, reply.content)
        assert SQL not in reply.content and "annex only" not in reply.content
    await w.double.send_message(w.demo.general, w.demo.member, "!secret")
    await w.double.send_message(w.demo.general, w.demo.member, "!ping")
    assert (await channel_reply(w.double, w.demo.general, timeout=TIMEOUT)).content.startswith(
        "Pong")  # the next reply is to !ping: !secret got none
    warning = await Warning.get(id=warning_id)
    assert warning.active and warning.reason == SQL  # stored verbatim, untouched
    assert (await ModAction.get(guild_id=w.demo.annex.id, case_number=1)).reason == SQL
    assert await ModActionAmendment.all().count() == 0
    command = await CustomCommand.get(guild_id=w.demo.annex.id, command_name="secret")
    assert command.response == "annex only"
    assert await CustomCommand.filter(guild_id=w.guild.id).count() == 0


async def test_reminders_of_another_user_cannot_be_read_or_cancelled(
    hostile_world: HostileWorld
) -> None:
    w = hostile_world
    alice, bob = w.demo.members["alice"], w.demo.members["bob"]
    secret = f"alice's secret {SQL}"
    set_reply = await slash(w, alice, "remind", {"when": "2h", "text": secret})
    assert set_reply.content.startswith("Reminder `#"), set_reply.content
    reminder = await Reminder.get(user_id=alice.id)
    listed = await slash(w, bob, "reminders list", {})
    assert listed.ephemeral and "no active reminders" in listed.content
    assert "secret" not in listed.content
    cancel = await slash(w, bob, "reminders cancel", {"id": reminder.id})
    assert cancel.ephemeral and f"you have no active reminder #{reminder.id}" in cancel.content
    assert "secret" not in cancel.content
    stranger = await slash(w, w.stranger, "reminders cancel", {"id": reminder.id},
                           guild=w.demo.annex, channel=w.demo.annex_general)
    assert "no active reminder" in stranger.content
    kept = await Reminder.get(id=reminder.id)
    assert kept.message == secret and not kept.completed  # stored verbatim, still active
    own = await slash(w, alice, "reminders list", {})
    assert SQL in own.content  # shown verbatim to its owner
