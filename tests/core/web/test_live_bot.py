"""A dashboard change reaches a running bot at once (bus invalidation, no TTL wait):
the prefix, a no-XP channel, the moderation rules, the economy amounts."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import channel_reply
from tests.core.web.support import WebEnv
from tests.e2e.plugins.economy_support import slash


async def test_prefix_and_no_xp_channel_reach_the_running_bot(
    web_env: WebEnv, guildhall_bot: GuildhallBot
) -> None:
    guild, general = web_env.guild_id, web_env.demo.general
    leveling = guildhall_bot.get_cog("Leveling")
    assert general.id not in (await leveling.configs.get(guild)).excluded_channels
    assert await guildhall_bot.guild_configs.prefix(guild) == "!"  # both now cached

    await web_env.login(web_env.demo.admin.id)
    csrf = await web_env.csrf(f"/dashboard/{guild}")
    saved = await web_env.client.post(f"/dashboard/{guild}/general", data={
        "csrf": csrf, "prefix": "$$", "log_channel_id": "", "mute_role_id": ""},
        allow_redirects=False)
    assert saved.status == 303
    await web_env.client.post(f"/dashboard/{guild}/leveling", data={
        "csrf": csrf, "action": "exclude", "channel_id": str(general.id)})
    moderation = guildhall_bot.get_cog("Moderation")
    assert (await moderation.rules.get(guild)).escalate_kick_at == 0  # cached now
    await web_env.client.post(f"/dashboard/{guild}/moderation", data={
        "csrf": csrf, "warning_expiry_days": "7", "escalate_mute_at": "0",
        "escalate_mute_minutes": "60", "escalate_kick_at": "3", "escalate_ban_at": "0"})
    assert (await moderation.rules.get(guild)).escalate_kick_at == 3
    await slash(web_env.double, web_env.demo, web_env.demo.member, "daily")  # amounts cached
    await web_env.client.post(f"/dashboard/{guild}/economy", data={
        "csrf": csrf, "daily_amount": "777", "work_min": "20", "work_max": "80",
        "gamble_max_bet": "100000"})
    reply = await slash(web_env.double, web_env.demo, web_env.demo.members["bob"], "daily")
    assert "777" in reply.content

    assert general.id in (await leveling.configs.get(guild)).excluded_channels
    await web_env.double.send_message(general, web_env.demo.member, "$$ping")
    reply = await channel_reply(web_env.double, general)
    assert reply.content.startswith("Pong!")
