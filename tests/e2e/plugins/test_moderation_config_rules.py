"""``/modconfig rules show|set``: the guild's warning expiry and escalation thresholds,
changed through the same service as the dashboard (validated, audited as ``slash``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.services import audit
from core.testing.bot_fixtures import assert_no_mass_mentions
from plugins.moderation.models import ModerationGuildSettings
from tests.e2e.plugins.moderation_support import ModWorld, mod_world, table_counts

__all__ = ["mod_world"]


async def test_set_changes_the_next_warn_and_is_audited(mod_world: ModWorld) -> None:
    w = mod_world
    bob, admin = w.demo.members["bob"], w.demo.admin
    shown = await w.slash(admin, "modconfig rules show")
    assert shown.ephemeral and shown.content.splitlines() == [
        "**Warnings and escalation**", "Warnings expire after (days): 90 (default)",
        "Mute at this many active warnings (0: never): 0 (default)",
        "Escalation mute lasts (minutes): 60 (default)",
        "Kick at this many active warnings (0: never): 0 (default)",
        "Ban at this many active warnings (0: never): 0 (default)",
    ]
    first = await w.slash(w.mod, "warn", {"member": bob, "reason": "one"})
    assert "\n" not in first.content  # defaults cached: escalation off
    changed = await w.slash(admin, "modconfig rules set",
                            {"escalate_mute_at": 2, "escalate_mute_minutes": 30})
    assert not changed.ephemeral
    assert changed.content == (
        "Changed for this server: Mute at this many active warnings (0: never): 0 → 2; "
        "Escalation mute lasts (minutes): 60 → 30.")
    second = await w.slash(w.mod, "warn", {"member": bob, "reason": "two"})
    assert second.content.endswith("Case #3: mute (automatic: 2 active warnings).")
    assert bob.communication_disabled_until is not None
    until = datetime.fromisoformat(bob.communication_disabled_until)
    assert abs(until - datetime.now(UTC) - timedelta(minutes=30)) < timedelta(minutes=2)
    rows = await audit.recent_changes(w.guild.id)
    assert {(r.setting, r.source, r.actor_id, audit.values(r)) for r in rows} == {
        ("moderation.escalate_mute_at", "slash", admin.id, (0, 2)),
        ("moderation.escalate_mute_minutes", "slash", admin.id, (60, 30)),
    }
    again = await w.slash(admin, "modconfig rules show")
    assert ("Mute at this many active warnings (0: never): 2\n"
            "Escalation mute lasts (minutes): 30\n") in again.content
    assert_no_mass_mentions(w.double)


async def test_refusals_write_nothing(mod_world: ModWorld) -> None:
    w = mod_world
    for name, options in [("modconfig rules set", {"escalate_ban_at": 1}),
                          ("modconfig rules show", {})]:
        denied = await w.slash(w.demo.member, name, options)
        assert denied.ephemeral and denied.content == (
            "You need these permissions: Manage Server."), name
    bad = await w.slash(w.demo.admin, "modconfig rules set",
                        {"warning_expiry_days": 0, "escalate_ban_at": 3})
    assert bad.ephemeral and bad.content == (
        "Warnings expire after (days): must be at least 1. Nothing was changed.")
    high = await w.slash(w.demo.admin, "modconfig rules set", {"escalate_kick_at": 101})
    assert high.ephemeral and high.content == (
        "Kick at this many active warnings (0: never): must be at most 100. Nothing was changed.")
    empty = await w.slash(w.demo.admin, "modconfig rules set")
    assert empty.ephemeral and empty.content.startswith("Give at least one of: ")
    assert not await ModerationGuildSettings.exists(guild_id=w.guild.id)
    assert await audit.recent_changes(w.guild.id) == []
    assert await table_counts() == (0, 0, 0, 0)
