"""Public pages: off means the same 404 as unknown; leaderboard keyset pages; stats."""

from __future__ import annotations

from datetime import timedelta

from tortoise import timezone

from core.db.models import GuildConfig, GuildMember, User
from core.services import plugin_switches, xp
from plugins.analytics.models import CommandStat
from tests.core.web.support import WebEnv


async def _members(guild_id: int, count: int, *, name: str = "member{}") -> None:
    await User.bulk_create([User(user_id=1000 + i, username=name.format(i)) for i in range(count)])
    await GuildMember.bulk_create([
        GuildMember(user_id=1000 + i, guild_id=guild_id, xp=10 * (count - i) - (i % 3 == 1),
                    level=xp.level_for_xp(10 * (count - i)), coins=i)
        for i in range(count)
    ])


async def test_pages_are_404_until_turned_on(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    await _members(guild, 3)
    off = await web_env.client.get(f"/g/{guild}/leaderboard")
    unknown = await web_env.client.get("/g/123456789/leaderboard")
    bad = await web_env.client.get("/g/not-a-number/stats")
    stats_off = await web_env.client.get(f"/g/{guild}/stats")
    assert off.status == unknown.status == bad.status == stats_off.status == 404
    assert (await off.text()).replace(str(guild), "ID") == (
        await unknown.text()).replace("123456789", "ID")
    await GuildConfig.filter(guild_id=guild).update(public_pages=True)
    on = await web_env.client.get(f"/g/{guild}/leaderboard")
    assert on.status == 200
    assert "member0" in await on.text()
    assert "default-src 'none'" in on.headers["Content-Security-Policy"]


async def test_leaderboard_keyset_pages_ranks_and_jump(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    await GuildConfig.filter(guild_id=guild).update(public_pages=True)
    await _members(guild, 250)
    await User.filter(user_id=1000).update(username="<script>alert(1)</script>")
    first = await web_env.client.get(f"/g/{guild}/leaderboard")
    text = await first.text()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count('<tr>') + text.count('<tr class="me">') == 100 + 1  # header row
    assert "#1<" in text and "#100<" in text and "Richest" in text
    next_link = text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = await (await web_env.client.get(f"/g/{guild}/leaderboard{next_link}")).text()
    assert "#101<" in second and "#200<" in second and "member100<" in second
    prev_link = second.split('rel="prev" href="')[1].split('"')[0].replace("&amp;", "&")
    back = await (await web_env.client.get(f"/g/{guild}/leaderboard{prev_link}")).text()
    assert "#1<" in back and "#100<" in back and "#101<" not in back
    jump = await (await web_env.client.get(
        f"/g/{guild}/leaderboard", params={"member": "1242"})).text()
    assert 'class="me"' in jump and "#243<" in jump and "member249<" in jump
    await plugin_switches.set_enabled(guild, "economy", False, actor_id=1, source="web",
                                      known=["economy"])
    no_economy = await (await web_env.client.get(f"/g/{guild}/leaderboard")).text()
    assert "Richest" not in no_economy and "#1<" in no_economy
    missing = await (await web_env.client.get(
        f"/g/{guild}/leaderboard", params={"member": "999999"})).text()
    assert "has no XP in this server" in missing
    broken = await web_env.client.get(f"/g/{guild}/leaderboard", params={"after": "1;drop"})
    assert broken.status == 400


async def test_leaderboard_shows_server_name_icon_avatars_and_display_names(
    web_env: WebEnv,
) -> None:
    guild = web_env.guild_id
    await GuildConfig.filter(guild_id=guild).update(public_pages=True)
    await _members(guild, 3)
    avatar = "a_" + "1f" * 16
    await User.filter(user_id=1000).update(display_name="Ada <Lovelace>", avatar=avatar)
    web_env.double.world.guilds[guild].icon = "2e" * 16
    text = await (await web_env.client.get(f"/g/{guild}/leaderboard")).text()
    name = web_env.demo.guild.name
    assert f"<title>Leaderboard · {name} · guildhall</title>" in text and "this server" not in text
    assert f'src="https://cdn.discordapp.com/icons/{guild}/{"2e" * 16}.png?size=64"' in text
    assert f'src="https://cdn.discordapp.com/avatars/1000/{avatar}.png?size=64"' in text
    assert "Ada &lt;Lovelace&gt;" in text and ">member0<" not in text  # the display name
    assert f'src="https://cdn.discordapp.com/embed/avatars/{(1001 >> 22) % 6}.png"' in text
    assert ">member1<" in text  # no display name: the username


async def test_stats_page_charts_and_top_commands(web_env: WebEnv) -> None:
    guild = web_env.guild_id
    await GuildConfig.filter(guild_id=guild).update(public_pages=True)
    now = timezone.now()
    await CommandStat.bulk_create([
        CommandStat(command_name=name, guild_id=guild, user_id=user,
                    executed_at=now - timedelta(days=day))
        for day, name, user in [(0, "rank", 1), (0, "rank", 2), (0, "ping", 1),
                                (3, "daily", 3), (40, "old", 4)]
    ])
    await CommandStat.create(command_name="elsewhere", guild_id=1, user_id=1)
    page = await web_env.client.get(f"/g/{guild}/stats")
    text = await page.text()
    assert page.status == 200 and text.count("<svg") == 2
    assert "4 commands in the last 30 days" in text
    assert f"{now.date().isoformat()}: 3 commands" in text
    assert f"{now.date().isoformat()}: 2 members" in text
    assert "rank" in text and "elsewhere" not in text and "old<" not in text
    longer = await (await web_env.client.get(f"/g/{guild}/stats?days=90")).text()
    assert "5 commands in the last 90 days" in longer
