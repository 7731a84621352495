"""Shard planning: counts, clusters, this machine's slice, the session start budget."""

from __future__ import annotations

import asyncio

import pytest

from cluster.planning import (
    GatewayInfo,
    PlanError,
    check_budget,
    fetch_gateway_info,
    make_plan,
    split_clusters,
)
from core.runtime.cluster_ranges import compact, parse_clusters
from core.runtime.cluster_settings import ClusterSettings
from core.testing.double import DiscordDouble


def info(shards: int = 10, remaining: int = 1000, max_concurrency: int = 1) -> GatewayInfo:
    return GatewayInfo(shards, 1000, remaining, 3_600_000, max_concurrency)


def test_ranges_parse_and_compact() -> None:
    assert parse_clusters("4-7") == [4, 5, 6, 7]
    assert parse_clusters("3") == [3]
    assert parse_clusters(" 0-1, 6 ,6") == [0, 1, 6]
    assert compact([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8"
    assert compact([]) == "-"
    for bad in ("7-4", "a", "1-", "", "1;2"):
        with pytest.raises(ValueError):
            parse_clusters(bad)


def test_split_into_clusters() -> None:
    clusters = split_clusters(10, 4)
    assert [c.shard_ids for c in clusters] == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9)]
    assert clusters[1].label == "cluster 1 shards 4-7"


def test_auto_count_comes_from_discord_and_fixed_count_wins() -> None:
    plan = make_plan(ClusterSettings(shards_per_cluster=4), info(shards=10, max_concurrency=16))
    assert (plan.shard_count, len(plan.clusters), plan.max_concurrency) == (10, 3, 16)
    assert plan.whole and plan.local_shards == 10
    fixed = make_plan(ClusterSettings(shard_count=6, shards_per_cluster=2), info(shards=10))
    assert fixed.shard_count == 6 and len(fixed.clusters) == 3


def test_slices_from_the_command_line_and_the_config() -> None:
    settings = ClusterSettings(shard_count=16, shards_per_cluster=1)
    plan = make_plan(settings, info(), clusters="4-7", total_clusters=16)
    assert [c.index for c in plan.local] == [4, 5, 6, 7] and not plan.whole
    assert plan.local_shards == 4
    configured = ClusterSettings(shard_count=16, shards_per_cluster=1, clusters="0-1")
    assert [c.index for c in make_plan(configured, info()).local] == [0, 1]
    with pytest.raises(PlanError, match="total clusters is 8"):
        make_plan(settings, info(), clusters="0-3", total_clusters=8)
    with pytest.raises(PlanError, match=r"cluster\(s\) 16-17 but the plan has only 16"):
        make_plan(settings, info(), clusters="14-17")


def test_statefulset_ordinal(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ClusterSettings(
        shard_count=12, shards_per_cluster=2, ordinal_env="POD", clusters_per_machine=2
    )
    monkeypatch.setenv("POD", "guildhall-2")
    assert [c.index for c in make_plan(settings, info()).local] == [4, 5]
    monkeypatch.setenv("POD", "1")
    assert [c.shard_ids for c in make_plan(settings, info()).local] == [(4, 5), (6, 7)]
    uneven = settings.model_copy(update={"shard_count": 10})  # 5 clusters over 3 pods
    monkeypatch.setenv("POD", "guildhall-2")
    assert [c.index for c in make_plan(uneven, info()).local] == [4]  # the last runs fewer
    monkeypatch.setenv("POD", "guildhall-3")
    with pytest.raises(PlanError, match=r"asks for cluster\(s\) 6-7 but the plan has only 5"):
        make_plan(uneven, info())
    monkeypatch.setenv("POD", "guildhall")
    with pytest.raises(PlanError, match="holds no ordinal"):
        make_plan(settings, info())
    monkeypatch.delenv("POD")
    with pytest.raises(PlanError, match="that variable is not set"):
        make_plan(settings, info())


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="from 1 to 100000"):
        ClusterSettings(shard_count=0)
    with pytest.raises(ValueError, match="not a cluster number or range"):
        ClusterSettings(clusters="four")
    with pytest.raises(ValueError, match="must not exceed"):
        ClusterSettings(restart_backoff_min_seconds=10, restart_backoff_max_seconds=5)
    with pytest.raises(ValueError, match="needs clusters_per_machine"):
        ClusterSettings(ordinal_env="POD")
    with pytest.raises(ValueError, match="startup_grace_seconds"):
        ClusterSettings(startup_grace_seconds=-1)
    assert ClusterSettings(shard_count="12").shard_count == 12


async def test_budget_refused_with_a_clear_message_or_waited_for() -> None:
    short = info(remaining=3)
    with pytest.raises(PlanError, match=r"allows 3 more session start\(s\) .* would start 8"):
        await check_budget(ClusterSettings(), short, 8, refresh=None)  # type: ignore[arg-type]
    assert await check_budget(ClusterSettings(), short, 3, refresh=None) is short  # type: ignore[arg-type]
    reset_soon = GatewayInfo(8, 1000, 2, 10, 1)  # resets in 10 ms
    calls = []

    async def refresh() -> GatewayInfo:
        calls.append(1)
        return info(remaining=1000)

    waiting = ClusterSettings(low_session_budget="wait")
    fresh = await asyncio.wait_for(check_budget(waiting, reset_soon, 8, refresh), 5)
    assert fresh.remaining == 1000 and calls == [1]


async def test_gateway_info_from_the_double_and_a_refused_token() -> None:
    async with DiscordDouble(shard_count=5, max_concurrency=4,
                             session_start_remaining=7) as double:
        got = await fetch_gateway_info(double.api_base, double.token)
        assert (got.shards, got.remaining, got.max_concurrency) == (5, 7, 4)
        with pytest.raises(PlanError, match="refused the bot token"):
            await fetch_gateway_info(double.api_base, "wrong")
    with pytest.raises(PlanError, match="cannot reach"):
        await fetch_gateway_info(double.api_base, double.token, timeout=2)
