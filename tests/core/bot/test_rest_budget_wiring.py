"""The bot's REST requests spend the deployment's shared REST budget (``[discord]``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.bot.guildhall_bot import GuildhallBot
from core.coordination.rate_bucket import FileRateBucket, RedisRateBucket
from core.coordination.route_buckets import FileRouteBuckets, RedisRouteBuckets
from core.testing.double import DiscordDouble, disnake_pointed_at
from tests.core.coordination.test_rate_bucket import ManualClock


async def test_the_bot_builds_its_budget_from_settings(guildhall_db) -> None:
    settings = guildhall_db.settings.model_copy(deep=True)
    settings.discord.global_rate_per_second = 7
    settings.discord.invalid_request_limit = 100
    settings.discord.invalid_slow_share = 0.3
    bot = GuildhallBot(settings, guildhall_db.plugins)
    bucket = bot.rest_budget.bucket
    assert isinstance(bucket, RedisRateBucket if settings.redis.url.get_secret_value()
                      else FileRateBucket)
    assert bucket.rate == 7 and bot.rest_budget.slow_at == 30
    assert isinstance(bot.rest_budget.routes, RedisRouteBuckets
                      if settings.redis.url.get_secret_value() else FileRouteBuckets)
    await bot.rest_budget.close()
    settings.discord.global_rate_per_second = 0  # no pacing
    settings.discord.share_route_buckets = False  # disnake's own route buckets only
    unpaced = GuildhallBot(settings, guildhall_db.plugins)
    assert unpaced.rest_budget.bucket is None and unpaced.rest_budget.routes is None
    await unpaced.rest_budget.close()


async def test_every_bot_request_takes_a_token(guildhall_db, tmp_path: Path) -> None:
    clock = ManualClock()
    async with DiscordDouble() as double:
        with disnake_pointed_at(double):
            settings = guildhall_db.settings.model_copy(deep=True)
            settings.discord.api_base = double.api_base
            bot = GuildhallBot(settings, guildhall_db.plugins)
            await bot.rest_budget.close()
            bot.rest_budget.bucket = FileRateBucket(tmp_path / "bucket.lock", 2.0, clock)
            await bot.http.static_login(double.token)  # the one token
            waiting = asyncio.create_task(bot.http.get_user(double.bot_user.id))
            await asyncio.sleep(0.2)  # time to be wrongly sent; the double is asserted below
            assert not waiting.done() and not double.requests.filter(route="/users/{user_id}")
            clock.now += 0.5
            await asyncio.wait_for(waiting, 60)
            assert len(double.requests.filter(route="/users/{user_id}")) == 1
            await bot.http.close()


async def test_a_bot_waits_on_the_route_bucket_another_bot_emptied(
    guildhall_db, tmp_path: Path
) -> None:
    clock = ManualClock()
    async with DiscordDouble(route_limit=(2, 1.0)) as double:
        double.rest_limits.clock = clock
        channel = double.create_channel(double.create_guild("g"), "spam")
        with disnake_pointed_at(double):
            settings = guildhall_db.settings.model_copy(deep=True)
            settings.discord.api_base = double.api_base
            bots = [GuildhallBot(settings, guildhall_db.plugins) for _ in range(2)]
            for bot in bots:  # one shared file on the test's clock (the double's clock too)
                await bot.rest_budget.close()
                bot.rest_budget.bucket = None
                bot.rest_budget.routes = FileRouteBuckets(tmp_path / "routes.lock", clock)
                await bot.http.static_login(double.token)
            one, two = bots
            for n in range(2):
                await one.http.send_message(channel.id, content=f"one {n}")
            waiting = asyncio.create_task(two.http.send_message(channel.id, content="two"))
            await asyncio.sleep(0.2)  # time to be wrongly sent; the double is asserted below
            assert not waiting.done()
            assert len(double.requests.filter("POST", "/channels/{channel_id}/messages")) == 2
            clock.now += 1  # the bucket's window passed
            await asyncio.wait_for(waiting, 60)
            assert not double.rest_limits.route_429s and two.rest_budget.route_waits == 1
            for bot in bots:
                await bot.http.close()
