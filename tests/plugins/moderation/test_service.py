"""Warnings, pardons and temp punishment rows; the timer sources and settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from core.timers.scheduler import source_problems
from plugins.moderation import service, timers
from plugins.moderation.models import ModAction, TempPunishment, Warning
from plugins.moderation.settings import ModerationSettings


async def test_warning_expiry_and_active_count(guildhall_db) -> None:
    warning, action = await service.add_warning(7, 2, 1, "spam", 30)
    assert action.case_number == 1 and action.action_type == "warn"
    assert warning.expires_at is not None
    assert timedelta(days=29) < warning.expires_at - service.utcnow() <= timedelta(days=30)
    await service.add_warning(7, 2, 1, "again", 30)
    await service.add_warning(8, 2, 1, "elsewhere", 30)
    assert await service.count_active_warnings(7, 2) == 2
    assert [w.reason for w in await service.active_warnings(7, 2)] == ["spam", "again"]


async def test_pardon_is_guild_scoped_and_once(guildhall_db) -> None:
    warning, _ = await service.add_warning(7, 2, 1, "spam", 30)
    assert await service.pardon(8, warning.id, 1) is None
    assert (await Warning.get(id=warning.id)).active
    done = await service.pardon(7, warning.id, 3)
    assert done is not None and done[1].action_type == "pardon" and done[1].moderator_id == 3
    assert await service.pardon(7, warning.id, 3) is None
    assert await ModAction.filter(guild_id=7).count() == 2


async def test_temp_punishment_upsert_replaces_expiry_and_clears_retry_state(
    guildhall_db,
) -> None:
    first = await service.set_temp_punishment(7, 2, service.BAN, service.utcnow())
    await TempPunishment.filter(id=first.id).update(
        attempts=3, failed_at=service.utcnow(), last_error="x", claimed_epoch=5
    )
    later = service.utcnow() + timedelta(days=1)
    second = await service.set_temp_punishment(7, 2, service.BAN, later)
    assert second.id == first.id and second.expires_at == later
    assert (second.attempts, second.failed_at, second.last_error, second.claimed_epoch) == (
        0, None, None, None
    )
    await service.set_temp_punishment(7, 2, service.MUTE, later)
    assert await TempPunishment.filter(guild_id=7, user_id=2).count() == 2
    assert await service.clear_temp_punishment(7, 2, service.BAN)
    assert not await service.clear_temp_punishment(7, 2, service.BAN)


async def test_running_mute_only_for_role_mutes_in_force(guildhall_db) -> None:
    soon = service.utcnow() + timedelta(hours=1)
    await service.set_temp_punishment(7, 2, service.MUTE, soon)
    assert await service.running_mute(7, 2) is None
    await service.set_temp_punishment(7, 2, service.MUTE_ROLE, soon)
    assert await service.running_mute(7, 2) is not None
    await service.set_temp_punishment(7, 2, service.MUTE_ROLE, service.utcnow())
    assert await service.running_mute(7, 2) is None


def test_timer_sources_are_valid() -> None:
    sources = timers.timer_sources(object())
    assert [s.name for s in sources] == [
        "moderation.warnings.expire", "moderation.temp_punishments.lift"
    ]
    assert source_problems(sources) == []
    assert [s.name for s in timers.timer_sources(None)] == ["moderation.warnings.expire"]


def test_settings_defaults_and_bounds() -> None:
    settings = ModerationSettings()
    assert (settings.warning_expiry_days, settings.max_ban_days) == (90, 365)
    assert (settings.escalate_mute_at, settings.escalate_kick_at, settings.escalate_ban_at) == (
        0, 0, 0
    )
    with pytest.raises(ValidationError, match="escalate_mute_minutes"):
        ModerationSettings(escalate_mute_minutes=28 * 24 * 60 + 1)
    with pytest.raises(ValidationError, match="max_ban_day"):
        ModerationSettings(max_ban_days=0)
    with pytest.raises(ValidationError, match="extra"):
        ModerationSettings(unknown=1)  # type: ignore[call-arg]
