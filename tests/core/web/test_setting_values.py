"""The settings page reads like the server: labels and values, not keys and Python."""

from __future__ import annotations

import re

from core.db.models import User
from tests.core.web.support import WebEnv


def _table_rows(page: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", page))


async def test_read_only_settings_and_changes_have_labels_and_human_values(
    web_env: WebEnv,
) -> None:
    guild, admin = web_env.guild_id, web_env.demo.admin
    await User.update_or_create(user_id=admin.id, defaults={
        "username": "admin", "display_name": "The Admin"})
    await web_env.login(admin.id)
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    general = web_env.demo.general.id
    saved = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "?", "log_channel_id": str(general), "mute_role_id": "",
        "public_pages": "on"}, allow_redirects=False)
    assert saved.status == 303
    page = await (await web_env.client.get(f"/dashboard/{guild}")).text()
    fixed = _table_rows(page)
    assert fixed["Tell members by DM before acting"] == "Yes"
    assert fixed["Roles that grant moderation permissions"] == "none"
    assert fixed["Longest temporary ban"] == "365 days"
    assert fixed["Time between daily rewards"] == "24 hours"
    assert fixed["Currency symbol"].startswith('<img class="symbol" src="/static/coin.svg"')
    for raw in ("dm_before_action", "permission_roles", "currency_symbol", ">True<", ">{}<"):
        assert raw not in page, raw
    assert '<label for="plugin_customcmds">Custom commands</label>' in page
    assert '<label for="plugin_welcome">Welcome</label>' in page  # no help: its name
    changes = re.findall(r"<tr><td>[\d-]+ [\d:]+</td><td>(.*?)</td><td>web</td>"
                         r"<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert ("The Admin", "Command prefix", "!", "?") in changes
    assert ("The Admin", "Moderation log channel", "none", "#general") in changes
    assert ("The Admin", "Public leaderboard and statistics", "No", "Yes") in changes
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    switches = {"csrf": csrf, **{f"plugin_{name}": "on" for name in web_env.settings.plugins.enabled
                                 if name != "customcmds"}}
    await web_env.client.post(f"/dashboard/{guild}/plugins", data=switches)
    page = await (await web_env.client.get(f"/dashboard/{guild}")).text()
    assert "<td>Custom commands switched on</td><td>Yes</td><td>No</td>" in page
