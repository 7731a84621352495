"""Scrape ``/metrics`` of a real bot running against the Discord double."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from disnake.ext import commands
from prometheus_client.parser import text_string_to_metric_families

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import MaintenanceRun
from core.maintenance.engine import MaintenanceEngine
from core.metrics import current_exporter, stop_exporter
from core.runtime.config import MetricsSettings, Settings
from core.testing.bot_fixtures import StartBot, channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class Boom(commands.Cog):
    """A prefix command with a bug in it."""

    @commands.command(name="boom")
    async def boom(self, ctx: commands.Context) -> None:
        raise RuntimeError("the probe failed on purpose")


@pytest.fixture
def guildhall_settings(guildhall_settings: Settings) -> Settings:
    """The kit's settings with the exporter on (any free port, fresh database reads)."""
    metrics = MetricsSettings(enabled=True, port=0, db_refresh_seconds=0)
    return guildhall_settings.model_copy(update={"metrics": metrics})


@pytest.fixture
async def bot(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot
) -> AsyncIterator[GuildhallBot]:
    started = await guildhall_start_bot(cogs=[Boom()])
    yield started
    await stop_exporter()


async def scrape() -> Samples:
    exporter = current_exporter()
    assert exporter is not None and exporter.port > 0
    async with aiohttp.ClientSession() as session, session.get(exporter.url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def labelled(samples: Samples, name: str, label: str) -> dict[str, float]:
    return {dict(key)[label]: v for (n, key), v in samples.items() if n == name}


async def test_scrape_reports_commands_events_db_leader_and_cluster_state(
    bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    assert (await (await double.invoke_slash(demo.guild, demo.general, demo.member, "ping"))
            .wait_response()).content.startswith("Pong!")
    await double.send_message(demo.general, demo.member, "!ping")
    await channel_reply(double, demo.general)
    denied = await double.invoke_slash(
        demo.guild, demo.general, demo.member, "prefix set", {"prefix": "$"}
    )
    assert "Manage Server" in (await denied.wait_response()).content
    await double.send_message(demo.general, demo.member, "!boom")
    assert "reference" in (await channel_reply(double, demo.general)).content
    await double.send_message(demo.general, demo.member, "just chatting")

    now = datetime.now(UTC)
    await MaintenanceRun.create(job="backup", ok=True, started_at=now - timedelta(hours=1),
                                finished_at=now - timedelta(hours=1), rows=10)
    [report] = await MaintenanceEngine(bot.settings, bot.plugins).run_jobs(
        ["core.maintenance_runs.delete"]
    )
    assert report.ok
    await bot.flush()

    command = "guildhall_command_duration_seconds_count"

    async def commands_counted() -> Samples | None:
        samples = await scrape()
        wanted = [
            value(samples, command, command="ping", kind="slash", outcome="ok"),
            value(samples, command, command="ping", kind="prefix", outcome="ok"),
            value(samples, command, command="prefix set", kind="slash", outcome="user_error"),
            value(samples, command, command="boom", kind="prefix", outcome="failure"),
        ]
        return samples if all(v and v >= 1 for v in wanted) else None

    samples = await eventually(commands_counted, message="commands counted by outcome")
    events = labelled(samples, "guildhall_gateway_events_total", "type")
    assert events["MESSAGE_CREATE"] >= 4 and events["INTERACTION_CREATE"] >= 2
    assert events["READY"] >= 2  # one per shard
    queries = labelled(samples, "guildhall_db_query_duration_seconds_count", "operation")
    assert sum(queries.values()) > 0
    info = labelled(samples, "guildhall_worker_info", "shards")
    assert info == {"0,1": 1.0}

    runs = labelled(samples, "guildhall_maintenance_last_run_ok", "job")
    assert runs["core.maintenance_runs.delete"] == 1.0 and runs["backup"] == 1.0
    age = value(samples, "guildhall_backup_age_seconds")
    assert age is not None and 3590 < age < 3700
    lag = labelled(samples, "guildhall_scheduler_lag_seconds", "source")
    assert lag and all(math.isfinite(v) and v >= 0 for v in lag.values())
    assert any(source.startswith("reminders.") for source in lag)
    buffers = labelled(samples, "guildhall_buffer_size", "buffer")
    assert {"core.user_activity", "leveling.xp", "analytics.command_stats",
            "customcmds.uses"} <= buffers.keys()
    flushes = labelled(samples, "guildhall_buffer_flush_duration_seconds_count", "buffer")
    assert flushes["core.user_activity"] >= 1 and flushes["leveling.xp"] >= 1

    async def leader_and_latency() -> Samples | None:
        samples = await scrape()
        latency = labelled(samples, "guildhall_gateway_latency_seconds", "shard")
        leading = value(samples, "guildhall_leader") == 1.0
        return samples if leading and set(latency) == {"0", "1"} else None

    samples = await eventually(leader_and_latency, timeout=10, message="leader and latency")
    assert (value(samples, "guildhall_leader_epoch") or 0) >= 1
