"""Admin settings: current permissions on every request, CSRF, one code path + audit."""

from __future__ import annotations

import pytest

from core.db.models import GuildConfig, GuildPluginSwitch, SettingsAudit
from core.services import audit
from core.testing.double import permissions
from plugins.economy.guild_settings import AMOUNTS
from plugins.economy.models import EconomyGuildSettings
from plugins.economy.settings import EconomySettings
from plugins.leveling.models import LevelExclusion, LevelReward
from plugins.moderation import guild_settings
from plugins.moderation.models import ModerationGuildSettings
from plugins.moderation.settings import ModerationSettings
from tests.core.web.support import WebEnv


def admin_routes(guild_id: int) -> list[tuple[str, str]]:
    """Every admin route of a guild."""
    base = f"/dashboard/{guild_id}"
    return [("GET", base), ("GET", base + "/commands"), ("POST", base + "/general"),
            ("POST", base + "/plugins"), ("POST", base + "/leveling"),
            ("POST", base + "/moderation"), ("POST", base + "/economy"),
            ("POST", base + "/commands")]


async def test_non_admin_gets_403_on_every_admin_route(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.member.id)
    listing = await (await web_env.client.get("/dashboard")).text()
    assert "You manage no server" in listing
    for method, path in admin_routes(web_env.guild_id):
        answer = await web_env.client.request(
            method, path, data={"csrf": "x", "prefix": "?", "action": "create",
                                "name": "hi", "response": "hi"},
            allow_redirects=False,
        )
        assert answer.status == 403, (method, path)
    assert (await GuildConfig.get(guild_id=web_env.guild_id)).prefix == "!"
    assert await SettingsAudit.all().count() == 0


async def test_logged_out_admin_routes_redirect_to_login(web_env: WebEnv) -> None:
    for method, path in admin_routes(web_env.guild_id):
        answer = await web_env.client.request(method, path, allow_redirects=False)
        assert answer.status == 302 and answer.headers["Location"].startswith("/login?next=")


async def test_forged_or_missing_csrf_changes_nothing(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.admin.id)
    path = f"/dashboard/{web_env.guild_id}/general"
    for form in ({"prefix": "?"}, {"prefix": "?", "csrf": "forged-token"},
                 {"prefix": "?", "csrf": ""}):
        answer = await web_env.client.post(path, data=form, allow_redirects=False)
        assert answer.status == 403
        assert "Nothing was changed" in await answer.text()
    assert (await GuildConfig.get(guild_id=web_env.guild_id)).prefix == "!"
    assert await SettingsAudit.all().count() == 0


async def test_admin_changes_settings_through_the_services(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    role = web_env.double.create_role(web_env.demo.guild, "Regular", position=1)
    web_env.double.set_role_permissions(  # handing out roles needs Manage Roles too
        web_env.demo.guild, web_env.demo.admin_role,
        permissions.DEFAULT_EVERYONE | permissions.MANAGE_GUILD | permissions.MANAGE_ROLES)
    await web_env.login(web_env.demo.admin.id)
    page = await web_env.client.get(f"/dashboard/{guild}")
    assert page.status == 200 and "#general" in await page.text()
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    general = web_env.demo.general.id
    saved = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "log_channel_id": str(general), "mute_role_id": "",
        "public_pages": "on",
    }, allow_redirects=False)
    assert saved.status == 303, await saved.text()
    row = await GuildConfig.get(guild_id=guild)
    assert (row.prefix, row.log_channel_id, row.public_pages) == ("?", general, True)
    changes = {c.setting: audit.values(c) for c in await audit.recent_changes(guild)}
    assert changes == {"prefix": ("!", "?"), "log_channel_id": (None, general),
                       "public_pages": (False, True)}
    assert {c.source for c in await SettingsAudit.all()} == {"web"}
    assert {c.actor_id for c in await SettingsAudit.all()} == {web_env.demo.admin.id}

    bad = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "two words", "log_channel_id": "", "mute_role_id": ""})
    assert bad.status == 400 and "prefix must be 1-16 characters" in await bad.text()
    foreign = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "log_channel_id": str(web_env.demo.annex_general.id)})
    assert foreign.status == 400 and "not in this server" in await foreign.text()
    assert (await GuildConfig.get(guild_id=guild)).prefix == "?"
    bot_role = web_env.demo.guild.bot_role_id
    managed = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "!!", "log_channel_id": "", "mute_role_id": str(bot_role)})
    assert managed.status == 400 and "Pick a normal role" in await managed.text()
    assert (await GuildConfig.get(guild_id=guild)).prefix == "?"  # nothing written
    muted = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "log_channel_id": str(general),
        "mute_role_id": str(role.id), "public_pages": "on"}, allow_redirects=False)
    assert muted.status == 303
    assert (await GuildConfig.get(guild_id=guild)).mute_role_id == role.id

    await web_env.client.post(f"/dashboard/{guild}/plugins", data={
        "csrf": csrf, "plugin_leveling": "on", "plugin_moderation": "on"})
    off = set(await GuildPluginSwitch.filter(guild_id=guild, enabled=False).values_list(
        "plugin", flat=True))
    assert off == {"economy", "reminders", "customcmds", "analytics", "welcome"}

    await web_env.client.post(f"/dashboard/{guild}/leveling", data={
        "csrf": csrf, "action": "exclude", "channel_id": str(general)})
    assert await LevelExclusion.filter(guild_id=guild, target_id=general).exists()
    rewarded = await web_env.client.post(f"/dashboard/{guild}/leveling", data={
        "csrf": csrf, "action": "reward", "level": "5", "role_id": str(role.id)})
    assert rewarded.status == 200, await rewarded.text()
    assert await LevelReward.filter(guild_id=guild, level=5, role_id=role.id).exists()
    too_low = await web_env.client.post(f"/dashboard/{guild}/leveling", data={
        "csrf": csrf, "action": "reward", "level": "1", "role_id": str(role.id)})
    assert too_low.status == 400 and "between 2 and 1,000" in await too_low.text()


async def test_moderation_rules_per_guild(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    await web_env.login(web_env.demo.admin.id)
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    form = {"csrf": csrf, "warning_expiry_days": "30", "escalate_mute_at": "2",
            "escalate_mute_minutes": "90", "escalate_kick_at": "0", "escalate_ban_at": "5"}
    bad = await web_env.client.post(f"/dashboard/{guild}/moderation",
                                    data={**form, "warning_expiry_days": "0"})
    assert bad.status == 400 and "must be at least 1" in await bad.text()
    assert not await ModerationGuildSettings.exists(guild_id=guild)
    saved = await web_env.client.post(f"/dashboard/{guild}/moderation", data=form,
                                      allow_redirects=False)
    assert saved.status == 303
    defaults = ModerationSettings()
    mine = await guild_settings.RULES.effective(guild, defaults)
    assert (mine.warning_expiry_days, mine.escalate_mute_at, mine.escalate_ban_at) == (30, 2, 5)
    assert (await guild_settings.RULES.effective(web_env.demo.annex.id, defaults)) == defaults
    changes = {c.setting: audit.values(c) for c in await audit.recent_changes(guild)}
    assert changes == {"moderation.warning_expiry_days": (90, 30),
                       "moderation.escalate_mute_at": (0, 2),
                       "moderation.escalate_mute_minutes": (60, 90),
                       "moderation.escalate_ban_at": (0, 5)}
    page = await (await web_env.client.get(f"/dashboard/{guild}")).text()
    assert 'name="warning_expiry_days" inputmode="numeric" value="30"' in page


async def test_economy_amounts_per_guild(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    await web_env.login(web_env.demo.admin.id)
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    form = {"csrf": csrf, "daily_amount": "250", "work_min": "10", "work_max": "20",
            "gamble_max_bet": "500"}
    crossed = await web_env.client.post(f"/dashboard/{guild}/economy",
                                        data={**form, "work_min": "30"})
    assert crossed.status == 400 and "the lowest work pay (30) is above the highest (20)" in (
        await crossed.text())
    assert not await EconomyGuildSettings.exists(guild_id=guild)
    saved = await web_env.client.post(f"/dashboard/{guild}/economy", data=form,
                                      allow_redirects=False)
    assert saved.status == 303
    mine = await AMOUNTS.effective(guild, EconomySettings())
    assert (mine.daily_amount, mine.work_min, mine.work_max, mine.gamble_max_bet) == (
        250, 10, 20, 500)
    assert mine.currency_name == EconomySettings().currency_name  # deployment-wide


@pytest.fixture
def web_options() -> dict[str, object]:
    return {"permissions_cache_seconds": 0}


async def test_permission_removed_on_discord_is_refused_at_once(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.admin.id)
    assert (await web_env.client.get(f"/dashboard/{web_env.guild_id}")).status == 200
    web_env.demo.admin_role.permissions = permissions.DEFAULT_EVERYONE
    refused = await web_env.client.get(f"/dashboard/{web_env.guild_id}")
    assert refused.status == 403
