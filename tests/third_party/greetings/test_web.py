"""The plugin's dashboard panel (shown, saved, refused) and its public welcome page."""

from __future__ import annotations

from core.db.models import GuildConfig, SettingsAudit
from core.services import audit
from tests.core.web import conftest as web_fixtures
from tests.core.web.support import WebEnv

web_env = web_fixtures.web_env  # the dashboard fixtures, on this directory's plugin list
web_options = web_fixtures.web_options


async def test_admin_sets_the_welcome_through_the_panel(web_env: WebEnv) -> None:
    from guildhall_greetings.models import Greeting  # importable once the plugin is enabled

    guild, general = web_env.guild_id, web_env.demo.general.id
    await web_env.login(web_env.demo.admin.id)
    page = await (await web_env.client.get(f"/dashboard/{guild}")).text()
    assert "<h2>Welcome message</h2>" in page
    assert f'action="/dashboard/{guild}/greetings"' in page
    assert "Warnings and escalation" not in page  # moderation is not enabled here
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    form = {"csrf": csrf, "channel_id": str(general), "template": "Hi {member} <3"}

    refused = {
        "unknown placeholder {oops}": {**form, "template": "Hi {oops}"},
        "that channel is not in this server": {
            **form, "channel_id": str(web_env.demo.annex_general.id)},
        "choose the channel": {**form, "channel_id": ""},
    }
    for reason, bad in refused.items():
        answer = await web_env.client.post(f"/dashboard/{guild}/greetings", data=bad)
        assert answer.status == 400 and reason in await answer.text(), reason
    forged = await web_env.client.post(f"/dashboard/{guild}/greetings",
                                       data={**form, "csrf": "forged"})
    assert forged.status == 403
    assert not await Greeting.exists(guild_id=guild)
    assert await SettingsAudit.all().count() == 0

    saved = await web_env.client.post(f"/dashboard/{guild}/greetings", data=form,
                                      allow_redirects=False)
    assert saved.status == 303 and saved.headers["Location"].endswith("?done=greetings")
    row = await Greeting.get(guild_id=guild)
    assert (row.channel_id, row.template, row.set_by) == (
        general, "Hi {member} <3", web_env.demo.admin.id)
    changes = {c.setting: audit.values(c) for c in await audit.recent_changes(guild)}
    assert changes == {"greetings.channel_id": (None, general),
                       "greetings.template": (None, "Hi {member} <3")}
    shown = await (await web_env.client.get(f"/dashboard/{guild}?done=greetings")).text()
    assert "Welcome message saved." in shown
    assert ">Hi {member} &lt;3</textarea>" in shown  # the user's text, escaped
    assert f'<option value="{general}" selected>' in shown


async def test_non_admin_gets_403_and_changes_nothing(web_env: WebEnv) -> None:
    from guildhall_greetings.models import Greeting

    guild = web_env.guild_id
    await web_env.login(web_env.demo.member.id)
    assert (await web_env.client.get(f"/dashboard/{guild}")).status == 403
    answer = await web_env.client.post(f"/dashboard/{guild}/greetings", data={
        "csrf": "x", "channel_id": str(web_env.demo.general.id), "template": "Hi"})
    assert answer.status == 403
    assert not await Greeting.exists(guild_id=guild)
    assert await SettingsAudit.all().count() == 0


async def test_welcome_page_is_public_only_while_public_pages_are_on(web_env: WebEnv) -> None:
    from guildhall_greetings.models import Greeting

    guild, other = web_env.guild_id, web_env.demo.annex.id
    await Greeting.create(guild_id=guild, channel_id=web_env.demo.general.id,
                          template="Hi {member} <b>bold</b>", set_by=web_env.demo.admin.id)
    assert (await web_env.client.get(f"/g/{guild}/welcome")).status == 404
    await GuildConfig.filter(guild_id__in=[guild, other]).update(public_pages=True)
    page = await web_env.client.get(f"/g/{guild}/welcome")
    text = await page.text()
    assert page.status == 200
    assert "Hi {member} &lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold" not in text
    assert '<strong>Welcome</strong>' in text  # the core's navigation, this page current
    assert f'href="/g/{guild}/leaderboard"' not in text  # leveling is not enabled here
    assert "has no welcome message yet" in await (
        await web_env.client.get(f"/g/{other}/welcome")).text()
    await GuildConfig.filter(guild_id=guild).update(public_pages=False)
    assert (await web_env.client.get(f"/g/{guild}/welcome")).status == 404
