"""The welcome plugin on the dashboard: the "Welcome message" panel and the welcome
channel and join role in the Server form, through the /welcome code path, audited."""

from __future__ import annotations

from core.db.models import GuildConfig, SettingsAudit
from core.testing.double import permissions
from plugins.welcome.models import WelcomeSettings
from tests.core.web.support import WebEnv


async def test_welcome_panel_and_server_fields(web_env: WebEnv) -> None:
    guild, demo, double = web_env.guild_id, web_env.demo, web_env.double
    greeter = double.create_role(demo.guild, "Greeter", position=1)
    risky = double.create_role(demo.guild, "Risky", position=1,
                               permissions=permissions.KICK_MEMBERS)
    double.set_role_permissions(  # handing out roles needs Manage Roles too
        demo.guild, demo.admin_role,
        permissions.DEFAULT_EVERYONE | permissions.MANAGE_GUILD | permissions.MANAGE_ROLES)
    await web_env.login(demo.admin.id)
    page = await (await web_env.client.get(f"/dashboard/{guild}")).text()
    assert "Welcome message" in page and "Role given on join" in page
    assert "Welcome to {server}, {user.mention}!" in page  # the default text
    csrf = await web_env.csrf(f"/dashboard/{guild}")

    saved = await web_env.client.post(f"/dashboard/{guild}/welcome", data={
        "csrf": csrf, "template": "Hi {user.mention} @everyone", "dm": "on"},
        allow_redirects=False)
    assert saved.status == 303, await saved.text()
    row = await WelcomeSettings.get(guild_id=guild)
    assert (row.template, row.dm, row.set_by) == ("Hi {user.mention} @everyone", True,
                                                  demo.admin.id)
    empty = await web_env.client.post(f"/dashboard/{guild}/welcome", data={
        "csrf": csrf, "template": "  ", "dm": "off"})
    assert empty.status == 400 and "cannot be empty" in await empty.text()
    assert (await WelcomeSettings.get(guild_id=guild)).dm  # nothing written

    general = demo.general.id
    form = {"csrf": csrf, "prefix": "!", "log_channel_id": "", "mute_role_id": "",
            "welcome_channel_id": str(general), "auto_role_id": str(risky.id)}
    refused = await web_env.client.post(f"/dashboard/{guild}/general", data=form)
    assert refused.status == 400 and "dangerous permissions" in await refused.text()
    config = await GuildConfig.get(guild_id=guild)
    assert (config.welcome_channel_id, config.auto_role_id) == (None, None)

    form["auto_role_id"] = str(greeter.id)
    saved = await web_env.client.post(f"/dashboard/{guild}/general", data=form,
                                      allow_redirects=False)
    assert saved.status == 303, await saved.text()
    config = await GuildConfig.get(guild_id=guild)
    assert (config.welcome_channel_id, config.auto_role_id) == (general, greeter.id)
    settings = set(await SettingsAudit.filter(guild_id=guild, source="web").values_list(
        "setting", flat=True))
    assert {"welcome.template", "welcome.dm", "welcome_channel_id", "auto_role_id"} <= settings


async def test_non_admin_cannot_post_the_welcome_panel(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.member.id)
    answer = await web_env.client.post(
        f"/dashboard/{web_env.guild_id}/welcome",
        data={"csrf": "x", "template": "pwned", "dm": "on"}, allow_redirects=False)
    assert answer.status == 403
    assert not await WelcomeSettings.all()
