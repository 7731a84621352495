"""Moderation's "Cases" page: contributed through the web contracts, for moderators only
(the rule of ``/modlog``: Timeout Members, or the role ``permission_roles`` names),
filtered by member, moderator, action and dates, paged, with each case's amendments."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient, TestServer

from core.db.models import User
from core.runtime.assembly import Runtime
from core.testing.double import permissions
from core.web.app import create_app
from plugins.moderation import cases
from plugins.moderation.models import ModAction
from plugins.moderation.web_cases import PER_PAGE
from tests.core.web.support import WebEnv


def _numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">#(\d+)</td>', page)]


async def _cases(env: WebEnv, moderator: int) -> tuple[int, int]:
    """Cases of two members by two moderators; returns the two members' ids."""
    alice, bob = env.demo.person("alice").id, env.demo.person("bob").id
    admin = env.demo.admin.id
    await User.update_or_create(user_id=alice, defaults={"username": "alice",
                                                         "display_name": "Alice A."})
    await cases.record_action(env.guild_id, moderator, alice, "warn", "spam links")
    await cases.record_action(env.guild_id, moderator, bob, "mute", "shouting", 3600)
    await cases.record_action(env.guild_id, admin, alice, "ban", "raid")
    await cases.record_action(env.demo.annex.id, moderator, alice, "kick", "elsewhere")
    assert await cases.amend(env.guild_id, 1, admin, "spam links, <b>twice</b>")
    return alice, bob


def _moderator(env: WebEnv, name: str = "Mods", permission: int = permissions.MODERATE_MEMBERS,
               user: str = "mod") -> int:
    role = env.double.create_role(env.demo.guild, name,
                                  permissions=permissions.DEFAULT_EVERYONE | permission)
    return env.double.add_member(env.demo.guild, user, roles=[role]).id


async def test_only_moderators_open_the_cases_page(web_env: WebEnv) -> None:
    moderator = _moderator(web_env)
    await _cases(web_env, moderator)
    path = f"/dashboard/{web_env.guild_id}/cases"
    anonymous = await web_env.client.get(path, allow_redirects=False)
    assert anonymous.status == 302 and anonymous.headers["Location"].startswith("/login?next=")
    await web_env.login(web_env.demo.member.id)
    member = await web_env.client.get(path)
    assert member.status == 403 and "spam links" not in await member.text()
    await web_env.login(web_env.demo.admin.id)  # Manage Server is not Timeout Members
    assert (await web_env.client.get(path)).status == 403
    await web_env.login(moderator)
    shown = await web_env.client.get(path)
    text = await shown.text()
    assert shown.status == 200
    assert _numbers(text) == [3, 2, 1]  # newest first, this server's only
    assert "elsewhere" not in text
    assert "Alice A." in text and "<td>Mute</td>" in text and "<td>1h</td>" in text
    assert "spam links, &lt;b&gt;twice&lt;/b&gt;" in text  # the amendment, escaped
    assert (await web_env.client.get(f"/dashboard/{web_env.guild_id}")).status == 403
    csrf = re.search(r'name="csrf" value="([^"]+)"', text)
    assert csrf is not None
    post = await web_env.client.post(path, data={"csrf": csrf.group(1)})
    assert post.status == 405
    assert await ModAction.filter(guild_id=web_env.guild_id).count() == 3


async def test_filters_and_pages(web_env: WebEnv) -> None:
    moderator = _moderator(web_env)
    alice, bob = await _cases(web_env, moderator)
    await web_env.login(moderator)
    path = f"/dashboard/{web_env.guild_id}/cases"

    async def numbers(**query: str) -> list[int]:
        answer = await web_env.client.get(path, params=query)
        assert answer.status == 200, await answer.text()
        return _numbers(await answer.text())

    assert await numbers(member=str(alice)) == [3, 1]
    assert await numbers(member=str(bob)) == [2]
    assert await numbers(moderator=str(moderator)) == [2, 1]
    assert await numbers(action="ban") == [3]
    assert await numbers(member=str(alice), moderator=str(moderator)) == [1]
    today = datetime.now(UTC).date().isoformat()
    assert await numbers(since=today, until=today) == [3, 2, 1]
    assert await numbers(until="2000-01-01") == []
    for bad, reason in [({"member": "alice"}, "Discord user id"),
                        ({"action": "drop table"}, "listed actions"),
                        ({"since": "06/12/2026"}, "YYYY-MM-DD"),
                        ({"since": "2026-12-06", "until": "2026-12-01"}, "before the start"),
                        ({"page": "0"}, "page number")]:
        answer = await web_env.client.get(path, params=bad)
        assert answer.status == 400 and reason in await answer.text(), bad
    for _ in range(PER_PAGE):
        await cases.record_action(web_env.guild_id, moderator, bob, "warn", "again")
    first = await web_env.client.get(path, params={"member": str(bob)})
    text = await first.text()
    assert len(_numbers(text)) == PER_PAGE and "Page 1 of 2" in text
    link = text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert f"member={bob}" in link
    second = await (await web_env.client.get(path + link)).text()
    assert _numbers(second) == [2] and "Page 2 of 2" in second


async def test_a_role_named_in_permission_roles_admits(
    web_env: WebEnv, guildhall_db: Runtime,
) -> None:
    helper = _moderator(web_env, "Helpers", 0, "helper")
    await _cases(web_env, helper)
    plugins = web_env.settings.plugins.model_validate({
        **web_env.settings.plugins.model_dump(),
        "moderation": {"permission_roles": {"moderate_members": "helpers"}}})
    runtime = Runtime(web_env.settings.model_copy(update={"plugins": plugins}),
                      guildhall_db.plugins)
    async with TestClient(TestServer(create_app(runtime))) as client:
        env = WebEnv(client, web_env.double, web_env.demo, runtime.settings)
        await env.login(helper)
        assert (await client.get(f"/dashboard/{env.guild_id}/cases")).status == 200
    await web_env.login(helper)  # without the setting the role grants nothing
    assert (await web_env.client.get(f"/dashboard/{web_env.guild_id}/cases")).status == 403
