"""Scale run: 100,000 guilds on 64 shards in 8 workers on two "machines", against the double.

    python -m tests.bench.scale                  # the full size of issue #23 (several minutes)
    python -m tests.bench.scale --guilds 200 --shards 4 --workers 2 --seconds 3 --rate 100 \\
        --commands 5 --level-ups 5 --max-concurrency 2 --window 0.5      # the smoke size

The Discord double (this process) holds ``--guilds`` guilds of ``--members`` members (the
owner among them), one text channel and one reward role each, and enforces Discord's
global REST limit (50 requests/s per bot) while counting invalid answers per address.
PostgreSQL and Redis are shared by two ``guildhall run`` launchers (two "machines"), each
running half of the ``--workers`` worker processes (``--clusters 0-3`` and ``4-7`` of 8),
every built-in plugin on, ``[bot] profile = "large"``, IDENTIFY through the shared limiter
(``--max-concurrency`` buckets, ``--window`` seconds each).

Measured, in order:

* start: the span from the first IDENTIFY to the last (each answered READY) against the
  least the buckets allow, ``(rounds - 1) x window``; goal within 10%. Beside it the time
  until every worker had all its guilds (GUILD_CREATE streamed and handled);
* memory: each worker's RSS when it first reported (no guild yet) and once every guild
  arrived, per worker and per 1,000 guilds (gross, and net of the empty worker);
* traffic: ``--seconds`` of ``--rate`` messages/s and ``--commands`` ``/rank``/s spread over
  the guilds, each message from a member who has not spoken yet (so the real 60 s cooldown
  lets every message earn exactly ``XP``: ``[plugins.leveling] xp_min = xp_max``). Every
  ``rate / --level-ups``-th author was seeded 10 XP short of level 2, so that message
  levels them up: the worker announces it in the channel and grants the level-2 reward role
  (two REST requests, paced by the cluster's shared REST budget). Goals: ``/rank`` p99
  (invoke to the answer arriving at the double) < 100 ms, the rate achieved >= 95%;
  correctness: XP stored = XP awarded, every level-up rewarded, no worker restarted (same
  pid, no "restart #" in the launchers' logs, no second IDENTIFY), no global 429 and at
  most 1% of the invalid-request budget (10,000 per 10 minutes) used.

The double's own CPU and memory (this process: the double and the load it generates) are
reported apart from the workers'; so is the machine's idle CPU during the traffic, the
evidence when a goal is missed only because the shared machine is busy. Exit codes as in
``tests/bench/common.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from redis.exceptions import RedisError
from tortoise import connections

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.cluster_settings import ClusterSettings
from core.runtime.config import BUILTIN_PLUGINS, Settings
from core.runtime.worker_status import StatusStore, WorkerStatus, make_store
from core.services.xp import total_xp_for_level
from core.testing.double import DiscordDouble, Guild, Member
from core.testing.pytest_plugin import make_settings
from tests.bench.common import (
    bench_exit,
    database_factory,
    load_average,
    machine_cpu,
    process_cpu_seconds,
    process_rss_mb,
    quantile,
)
from tests.cluster.launcher_kit import (
    Launcher,
    cluster_settings,
    identify_minimum,
    identify_span,
)

XP = 20  # per message: [plugins.leveling] xp_min = xp_max
REWARD_LEVEL = 2
SEED_XP = total_xp_for_level(REWARD_LEVEL) - XP // 2  # one message more reaches the level
DEFAULT_MARGIN = ClusterSettings.model_fields["identify_margin_seconds"].default
START_TARGET = 1.10  # identify span at most 10% above the minimum
P99_GOAL_MS = 100.0
RATE_GOAL = 0.95  # of the asked message rate, achieved
INVALID_LIMIT = 10_000  # Discord's invalid answers per 10 minutes per address
INVALID_SHARE = 0.01
GLOBAL_RATE = 50.0  # Discord's global limit per bot token
READY_TIMEOUT = 1800.0  # every guild at every worker: minutes at full size on a busy machine
MIB = 2**20
TICK = 0.01  # seconds between the load generator's turns
CATCH_UP = 0.25  # seconds of messages one turn may send when the generator fell behind


def progress(message: str) -> None:
    """A progress line on stderr (the full size runs for many minutes)."""
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


@dataclass
class Figures:
    """Everything the run measured."""

    build_s: float = 0.0
    identifies: int = 0
    refused_identifies: int = 0  # the double answered INVALID_SESSION ("rate limited")
    identify_timeline: list[str] = field(default_factory=list)
    span_s: float = float("nan")
    all_ready_s: float = 0.0
    empty_rss: dict[int, int] = field(default_factory=dict)  # cluster -> bytes, no guild yet
    ready: dict[int, WorkerStatus] = field(default_factory=dict)
    final: dict[int, WorkerStatus] = field(default_factory=dict)
    double_rss_ready_mb: float = 0.0
    double_rss_end_mb: float = 0.0
    double_cpu_start_s: float = 0.0
    double_cpu_traffic_s: float = 0.0
    workers_cpu_traffic_s: float = 0.0
    machine_busy_s: float = 0.0
    machine_idle_s: float = 0.0
    traffic_s: float = 0.0
    messages: int = 0
    level_up_messages: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    unanswered: int = 0
    rewarded: int = 0
    xp_stored: int = 0
    exit_codes: list[int] = field(default_factory=list)
    restarts_logged: int = 0
    global_429s: int = 0
    invalid: int = 0
    rest_sent: int = 0
    load_before: str = ""
    load_after: str = ""


@dataclass
class Scene:
    """The world the double serves, as the load needs it."""

    guilds: list[Guild]
    speakers: list[list[Member]]  # per guild, the members (owner first), bot excluded
    reward_roles: list[int]  # per guild, the level-2 reward role


def build_world(double: DiscordDouble, guilds: int, members: int) -> Scene:
    """``guilds`` guilds of ``members`` members, a channel and a reward role each, dealt
    round-robin to the shards (consecutive ids would leave shards empty: every guild takes
    the same number of ids, and the shard comes from the id's timestamp)."""
    scene = Scene([], [], [])
    shards = double.config.shard_count
    for n in range(guilds):  # the bot joins last: nothing is dispatched while building
        guild = double.create_guild(f"guild {n}", owner=f"g{n}u0", with_bot=False,
                                    shard=n % shards)
        for i in range(1, members):
            double.add_member(guild, f"g{n}u{i}")
        role = double.create_role(guild, "Regular")
        double.add_bot(guild)
        scene.guilds.append(guild)
        scene.speakers.append([m for m in guild.members.values() if not m.user.bot])
        scene.reward_roles.append(role.id)
    return scene


def author(scene: Scene, i: int) -> tuple[int, Member]:
    """(guild index, member) of the ``i``-th message: guild after guild, then the next
    member, so no member speaks twice while ``i`` < guilds x members."""
    count = len(scene.guilds)
    return i % count, scene.speakers[i % count][(i // count) % len(scene.speakers[i % count])]


def levels_up(i: int, every: int) -> bool:
    """Whether the ``i``-th message's author was seeded to level up with it."""
    return i % every == every // 2


async def seed(scene: Scene, planned: int, every: int) -> int:
    """Reward rows for every guild, and the authors who level up seeded 10 XP short of it;
    returns the XP seeded."""
    conn = connections.get("default")
    await conn.execute_many(
        'INSERT INTO "level_rewards" ("guild_id", "level", "role_id") VALUES ($1, $2, $3)',
        [[g.id, REWARD_LEVEL, role] for g, role in zip(scene.guilds, scene.reward_roles,
                                                         strict=True)])
    authors = [author(scene, i) for i in range(planned) if levels_up(i, every)]
    await conn.execute_many('INSERT INTO "users" ("user_id", "username") VALUES ($1, $2)',
                            [[m.id, m.user.username] for _, m in authors])
    await conn.execute_many(
        'INSERT INTO "guild_members" ("user_id", "guild_id", "xp", "level") '
        "VALUES ($1, $2, $3, 1)", [[m.id, scene.guilds[g].id, SEED_XP] for g, m in authors])
    return SEED_XP * len(authors)


async def stored_xp() -> int:
    """Every member's XP in the database, summed."""
    rows = await connections.get("default").execute_query_dict(
        'SELECT COALESCE(SUM("xp"), 0) AS "total" FROM "guild_members"')
    return int(rows[0]["total"])


def launcher_env() -> dict[str, str]:
    """What both launchers (and so every worker) get on top of the test environment."""
    return {
        "GUILDHALL_BOT__PROFILE": "large",
        "GUILDHALL_PLUGINS__LEVELING__XP_MIN": str(XP),
        "GUILDHALL_PLUGINS__LEVELING__XP_MAX": str(XP),
        "GUILDHALL_LOGGING__LEVEL": "WARNING",
        "GUILDHALL_DISCORD__GLOBAL_RATE_PER_SECOND": str(GLOBAL_RATE),
        "GUILDHALL_DISCORD__INVALID_REQUEST_LIMIT": str(INVALID_LIMIT),
    }


async def reports(store: StatusStore) -> dict[int, WorkerStatus]:
    """Every worker's latest status report by cluster; empty when Redis did not answer in
    time (on a saturated machine a read can time out: the next poll tries again)."""
    try:
        return {s.cluster: s for s in await store.read_all()}
    except (RedisError, OSError) as exc:
        progress(f"reading the status reports failed ({exc!r}); trying again")
        return {}


async def all_reports(store: StatusStore, workers: int) -> dict[int, WorkerStatus]:
    """The reports of all ``workers`` (read again while Redis does not answer, 60 s at most)."""
    found: dict[int, WorkerStatus] = {}
    for _ in range(60):
        found = await reports(store)
        if len(found) >= workers:
            break
        await asyncio.sleep(1)
    return found


async def wait_all_guilds(store: StatusStore, workers: int, guilds: int,
                          figures: Figures) -> None:
    """Poll the status reports until every worker is ready with all the guilds; note each
    worker's first RSS (reported before it connects: no guild yet)."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        found = await reports(store)
        for index, status in found.items():
            if status.guilds == 0 and status.state == "starting":
                figures.empty_rss.setdefault(index, status.rss_bytes)
        ready = [s for s in found.values() if s.state == "ready" and s.age() < 30]
        if len(ready) == workers and sum(s.guilds for s in ready) >= guilds:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{workers} workers holding {guilds} guilds not ready in "
                       f"{READY_TIMEOUT:.0f} s")


async def traffic(double: DiscordDouble, scene: Scene, args: argparse.Namespace,
                  figures: Figures) -> None:
    """``args.seconds`` of messages at ``args.rate``/s and ``/rank`` at ``args.commands``/s."""
    channels = [g.text_channels[0] for g in scene.guilds]
    pending: set[asyncio.Task[None]] = set()

    async def rank(guild_index: int, member: Member) -> None:
        started = time.perf_counter()
        guild = scene.guilds[guild_index]
        try:
            handle = await double.invoke_slash(guild, channels[guild_index], member, "rank")
            await handle.wait_response(timeout=60)
        except (TimeoutError, LookupError):
            figures.unanswered += 1
            return
        figures.latencies_ms.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    commands = 0
    while (elapsed := time.perf_counter() - started) < args.seconds:
        # at most CATCH_UP seconds' worth per turn: a starved loop falls behind the rate
        # (reported) instead of catching up in a burst that outlasts the run
        due = min(int(elapsed * args.rate) + 1, args.planned,
                  figures.messages + max(int(args.rate * CATCH_UP), 1))
        while figures.messages < due:
            i = figures.messages
            guild_index, member = author(scene, i)
            await double.send_message(channels[guild_index], member, f"hello from {i}")
            figures.messages += 1
            figures.level_up_messages += levels_up(i, args.every)
        while commands < int(elapsed * args.commands) + 1:
            guild_index, member = author(scene, max(figures.messages - 1, 0))
            task = asyncio.create_task(rank(guild_index, member))
            pending.add(task)
            task.add_done_callback(pending.discard)
            commands += 1
        await asyncio.sleep(TICK)
    figures.traffic_s = time.perf_counter() - started
    if pending:
        await asyncio.wait(pending)


def rewarded(double: DiscordDouble, scene: Scene, figures: Figures, every: int) -> int:
    """Level-up authors holding their reward role in the double's world."""
    held = 0
    for i in range(figures.messages):
        if levels_up(i, every):
            guild_index, member = author(scene, i)
            held += scene.reward_roles[guild_index] in member.roles
    return held


async def run(args: argparse.Namespace, figures: Figures) -> None:
    """Build, launch both machines, measure start, memory and traffic, stop, check."""
    figures.load_before = load_average()
    plugins = list(BUILTIN_PLUGINS)
    async with database_factory(["postgres"], prefix="bench-scale-") as factory:
        url = await factory.create_migrated("postgres", make_settings("sqlite://:memory:",
                                                                      plugins))
        redis = os.environ.get("GUILDHALL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
        base = make_settings(url, plugins, redis={"url": redis})
        runtime = Runtime.from_settings(base)
        await runtime.open_database()
        double = DiscordDouble(
            shard_count=args.shards, max_concurrency=args.max_concurrency,
            identify_window=args.window, heartbeat_interval_ms=30_000,
            global_rate_per_second=GLOBAL_RATE, validate_requests=False)
        try:
            await double.start()
            cpu = time.process_time()
            began = time.perf_counter()
            progress(f"building {args.guilds:,} guilds in the double...")
            scene = build_world(double, args.guilds, args.members)
            # the world lives to the end: out of the collector's reach, a full collection
            # of the double's ~1 GB heap no longer stalls its loop for seconds (requests
            # then reach the double's REST limit all at once: global 429s)
            gc.freeze()
            figures.build_s = time.perf_counter() - began
            progress(f"built in {figures.build_s:.0f} s; seeding the database...")
            seeded = await seed(scene, args.planned, args.every)
            with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
                await machines(double, scene, base, Path(tmp), args, figures, cpu)
            figures.rewarded = rewarded(double, scene, figures, args.every)
            figures.xp_stored = await stored_xp() - seeded
            figures.global_429s = double.rest_limits.global_429s
            figures.invalid = double.rest_limits.invalid_count()
            figures.rest_sent = sum(double.rest_limits.sent.values())
            figures.double_rss_end_mb = process_rss_mb(os.getpid())
        finally:
            await double.close()
            await close_database()
    figures.load_after = load_average()


def identify_timeline(double: DiscordDouble) -> list[str]:
    """Every IDENTIFY the double received: seconds after the first, shard, bucket, verdict."""
    records = sorted(double.gateway.identifies, key=lambda i: i.time)
    if not records:
        return []
    first = records[0].time
    return [f"{i.time - first:7.2f} s  shard {i.shard_id:3}  bucket {i.bucket:2}  "
            f"{'accepted' if i.accepted else i.reason}" for i in records]


async def machines(double: DiscordDouble, scene: Scene, base: Settings, tmp: Path,
                   args: argparse.Namespace, figures: Figures, cpu: float) -> None:
    """Two launchers with half of the workers each; everything between launch and stop."""
    settings = cluster_settings(
        base, tmp, shard_count=args.shards, shards_per_cluster=args.shards // args.workers,
        identify_window_seconds=args.window, identify_margin_seconds=args.margin,
        guild_ready_timeout_seconds=1.0, status_interval_seconds=2.0,
        status_stale_seconds=30.0, heartbeat_timeout_seconds=300.0,
        startup_grace_seconds=READY_TIMEOUT, stop_timeout_seconds=120.0)
    half = args.workers // 2
    slices = [f"0-{half - 1}", f"{half}-{args.workers - 1}"]
    launchers = [Launcher(settings, double, tmp / f"machine-{n}.log", launcher_env())
                 for n in "ab"]
    store = make_store(settings)
    progress(f"launching {args.workers} workers on two launchers...")
    began = time.perf_counter()
    for launcher, clusters in zip(launchers, slices, strict=True):
        await launcher.start("--clusters", clusters, "--total-clusters", str(args.workers))
    try:
        await wait_all_guilds(store, args.workers, args.guilds, figures)
        figures.all_ready_s = time.perf_counter() - began
        figures.identifies, figures.span_s = identify_span(double)
        figures.refused_identifies = sum(not i.accepted for i in double.gateway.identifies)
        figures.identify_timeline = identify_timeline(double)
        progress(f"every guild arrived after {figures.all_ready_s:.0f} s")
        await double.wait_for_command("rank", timeout=120)
        await asyncio.sleep(3)  # start-up garbage settles; the next reports are taken
        await asyncio.sleep(settings.cluster.status_interval_seconds)
        figures.ready = await all_reports(store, args.workers)
        figures.double_rss_ready_mb = process_rss_mb(os.getpid())
        figures.double_cpu_start_s = time.process_time() - cpu
        pids = [s.pid for s in figures.ready.values()]
        workers_before = sum(process_cpu_seconds(p) for p in pids)
        machine_before, double_before = machine_cpu(), time.process_time()
        progress(f"traffic for {args.seconds:g} s...")
        await traffic(double, scene, args, figures)
        figures.double_cpu_traffic_s = time.process_time() - double_before
        figures.workers_cpu_traffic_s = sum(process_cpu_seconds(p) for p in pids) - workers_before
        busy, idle = machine_cpu()
        figures.machine_busy_s, figures.machine_idle_s = (busy - machine_before[0],
                                                          idle - machine_before[1])
        progress("waiting for the level-up rewards...")
        await drain_level_ups(double, scene, args, figures)
        progress("stopping both launchers...")
        figures.final = await all_reports(store, args.workers)
    finally:
        figures.exit_codes = list(await asyncio.gather(*(la.stop(timeout=300)
                                                         for la in launchers)))
        figures.restarts_logged = sum(la.output().count("restart #") for la in launchers)
        keep_failed_logs(launchers, figures.exit_codes)
        with contextlib.suppress(RedisError, OSError):
            await store.close()


def keep_failed_logs(launchers: list[Launcher], codes: list[int]) -> None:
    """Copy the log of a launcher that did not exit 0 out of the temporary directory."""
    for launcher, code in zip(launchers, codes, strict=True):
        if code != 0 or "restart #" in launcher.output():
            kept = Path(tempfile.gettempdir()) / f"scale-{os.getpid()}-{launcher.log.name}"
            shutil.copyfile(launcher.log, kept)
            progress(f"{launcher.log.stem} exited {code}: its log is kept in {kept}")


async def drain_level_ups(double: DiscordDouble, scene: Scene, args: argparse.Namespace,
                          figures: Figures) -> None:
    """Wait (bounded) until every level-up of the traffic got its reward role: the shared
    REST budget paces them, so a backlog may outlast the traffic."""
    deadline = time.monotonic() + 120 + figures.level_up_messages * 2 / GLOBAL_RATE
    while time.monotonic() < deadline:
        if rewarded(double, scene, figures, args.every) >= figures.level_up_messages:
            return
        await asyncio.sleep(1)


def report(args: argparse.Namespace, f: Figures) -> int:
    """Print the tables and the summary line; return the exit code."""
    rounds, minimum = identify_minimum(args.shards, args.max_concurrency, args.window)
    ratio = f.span_s / minimum if minimum else float("nan")
    print(f"scale: {args.guilds:,} guilds x {args.members} members on {args.shards} shards, "
          f"{args.workers} workers on 2 launchers (PostgreSQL + Redis shared), large profile, "
          f"every built-in plugin; max_concurrency {args.max_concurrency}, identify window "
          f"{args.window:g} s; 2-core shared machine, load {f.load_before} before, "
          f"{f.load_after} after")
    print(f"world built in the double in {f.build_s:.1f} s")
    print(f"\n{'start':<34} {'value':>12}")
    for name, value in (
        ("IDENTIFYs accepted", f"{f.identifies}"),
        ("IDENTIFYs refused (rate limited)", f"{f.refused_identifies}"),
        ("first -> last IDENTIFY s", f"{f.span_s:.2f}"),
        (f"minimum s ({rounds} rounds)", f"{minimum:.2f}"),
        ("ratio", f"{ratio:.3f}"),
        ("launch -> every guild at a worker s", f"{f.all_ready_s:.1f}"),
    ):
        print(f"{name:<34} {value:>12}")
    if args.show_identifies:
        print("\n".join(["", "IDENTIFYs as the double received them:",
                          *f.identify_timeline]))
    print(f"\n{'worker':<8} {'shards':>7} {'guilds':>8} {'empty MB':>9} {'ready MB':>9} "
          f"{'end MB':>8} {'pid kept':>9}")
    total_guilds = sum(s.guilds for s in f.ready.values())
    for index in sorted(f.ready):
        ready, end = f.ready[index], f.final.get(index)
        empty = f.empty_rss.get(index)
        print(f"{index:<8} {len(ready.shard_ids):>7} {ready.guilds:>8,} "
              f"{(empty / MIB if empty else float('nan')):>9.1f} {ready.rss_bytes / MIB:>9.1f} "
              f"{(end.rss_bytes / MIB if end else float('nan')):>8.1f} "
              f"{'yes' if end and end.pid == ready.pid else 'NO':>9}")
    rss_total = sum(s.rss_bytes for s in f.ready.values()) / MIB
    net = sum(s.rss_bytes - f.empty_rss[i] for i, s in f.ready.items() if i in f.empty_rss)
    net_guilds = sum(s.guilds for i, s in f.ready.items() if i in f.empty_rss)
    per_k_gross = rss_total * 1000 / max(total_guilds, 1)
    per_k_net = net / MIB * 1000 / net_guilds if net_guilds else float("nan")
    per_worker = rss_total / max(len(f.ready), 1)
    print(f"RSS per worker {per_worker:.1f} MB; per 1,000 guilds {per_k_gross:.1f} MB gross, "
          f"{per_k_net:.1f} MB net of the empty worker")
    # an unanswered /rank (past the double's 30 s interaction deadline) is the slowest answer
    latencies = f.latencies_ms + [float("inf")] * f.unanswered
    p99 = quantile(latencies, 0.99)
    rate = f.messages / f.traffic_s if f.traffic_s else 0.0
    awarded = XP * f.messages
    print(f"\n{'traffic':<34} {'value':>12}")
    for name, value in (
        ("seconds", f"{f.traffic_s:.1f}"),
        ("messages (asked/s, achieved/s)", f"{args.rate:g} / {rate:.0f}"),
        ("messages sent", f"{f.messages:,}"),
        ("/rank answered (unanswered)", f"{len(f.latencies_ms)} ({f.unanswered})"),
        ("/rank p50 ms", f"{quantile(latencies, 0.5):.1f}"),
        ("/rank p99 ms", f"{p99:.1f}"),
        ("XP awarded", f"{awarded:,}"),
        ("XP stored", f"{f.xp_stored:,}"),
        ("level-ups rewarded / due", f"{f.rewarded} / {f.level_up_messages}"),
        ("REST requests (global 429s)", f"{f.rest_sent:,} ({f.global_429s})"),
        ("invalid answers (of 10,000)", f"{f.invalid}"),
        ("workers CPU s (per message ms)", f"{f.workers_cpu_traffic_s:.1f} "
         f"({f.workers_cpu_traffic_s * 1000 / max(f.messages, 1):.2f})"),
        ("double CPU s (start, traffic)", f"{f.double_cpu_start_s:.1f}, "
         f"{f.double_cpu_traffic_s:.1f}"),
        ("double RSS MB (ready, end)", f"{f.double_rss_ready_mb:.0f}, "
         f"{f.double_rss_end_mb:.0f}"),
        ("machine idle % of 2 cores", f"{idle_share(f):.0%}"),
        ("launcher exits, restarts logged", f"{f.exit_codes}, {f.restarts_logged}"),
    ):
        print(f"{name:<34} {value:>12}")
    kept = all(i in f.final and f.final[i].pid == s.pid for i, s in f.ready.items())
    no_restart = (kept and f.restarts_logged == 0 and f.identifies == args.shards
                  and set(f.exit_codes) == {0})
    xp_exact = f.xp_stored == awarded
    budget_ok = f.global_429s == 0 and f.invalid <= INVALID_LIMIT * INVALID_SHARE
    all_rewarded = f.rewarded == f.level_up_messages
    correct = (no_restart and xp_exact and budget_ok and all_rewarded
               and bool(f.latencies_ms or f.unanswered)
               and len(f.ready) == args.workers and total_guilds == args.guilds)
    start_met = ratio <= START_TARGET
    p99_met = p99 < P99_GOAL_MS
    rate_met = rate >= RATE_GOAL * args.rate

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"summary: {args.guilds:,} guilds, {args.workers} workers on 2 launchers: identify "
          f"span {f.span_s:.2f} s vs minimum {minimum:.2f} s = {ratio:.2f}x (goal <= "
          f"{START_TARGET:.2f}x) {verdict(start_met)}; RSS {per_worker:.0f} MB per worker, "
          f"{per_k_gross:.1f} MB per 1,000 guilds; /rank p99 {p99:.1f} ms (goal < "
          f"{P99_GOAL_MS:g}) {verdict(p99_met)}; {rate:.0f} messages/s of {args.rate:g} "
          f"{verdict(rate_met)}; XP stored {f.xp_stored:,} = awarded {awarded:,} "
          f"{verdict(xp_exact)}; level-ups rewarded {f.rewarded}/{f.level_up_messages} "
          f"{verdict(all_rewarded)}; no worker restart {verdict(no_restart)}; global 429s "
          f"{f.global_429s}, invalid {f.invalid} (<= {INVALID_LIMIT * INVALID_SHARE:.0f}) "
          f"{verdict(budget_ok)}; double CPU {f.double_cpu_traffic_s:.1f} s in traffic, "
          f"RSS {f.double_rss_end_mb:.0f} MB (not counted); load {f.load_after} "
          f"-> {verdict(correct and start_met and p99_met and rate_met)}")
    return bench_exit(correct, start_met and p99_met and rate_met)


def idle_share(f: Figures) -> float:
    """The machine's idle share during the traffic."""
    total = f.machine_busy_s + f.machine_idle_s
    return f.machine_idle_s / total if total else float("nan")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options (defaults: the full size of issue #23)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=10, help="members per guild")
    parser.add_argument("--shards", type=int, default=64)
    parser.add_argument("--workers", type=int, default=8, help="split over two launchers")
    parser.add_argument("--max-concurrency", type=int, default=16)
    parser.add_argument("--window", type=float, default=5.0, help="identify window, seconds")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                        help="the identify limiter's safety margin per window, seconds "
                             "(default: [cluster] identify_margin_seconds' default)")
    parser.add_argument("--seconds", type=float, default=60.0, help="traffic duration")
    parser.add_argument("--show-identifies", action="store_true",
                        help="print every IDENTIFY the double received (time, shard, verdict)")
    parser.add_argument("--rate", type=float, default=2000.0, help="messages per second")
    parser.add_argument("--commands", type=float, default=20.0, help="/rank per second")
    parser.add_argument("--level-ups", type=float, default=30.0,
                        help="messages per second that level their author up")
    args = parser.parse_args(argv)
    if args.workers < 2 or args.workers % 2 or args.shards % args.workers:
        parser.error("--workers must be even (two launchers) and divide --shards")
    if args.shards <= args.max_concurrency:
        parser.error("--shards must exceed --max-concurrency (one round has no span)")
    if args.members < 2 or args.guilds < 1 or args.window <= 0 or args.seconds <= 0:
        parser.error("--members >= 2, --guilds >= 1, --window and --seconds > 0")
    if not 0 < args.level_ups <= args.rate or args.commands <= 0:
        parser.error("0 < --level-ups <= --rate and --commands > 0")
    if args.guilds > 2500 * args.shards:
        parser.error("at most 2,500 guilds per shard (Discord's limit, the double's too)")
    args.planned = int(args.rate * args.seconds) + 1
    if args.planned > args.guilds * args.members:
        parser.error("--rate x --seconds must not exceed --guilds x --members: every message "
                     "comes from a member who has not spoken (one award per cooldown)")
    args.every = max(1, round(args.rate / args.level_ups))
    return args


async def main(argv: list[str]) -> int:
    """Run and report."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    figures = Figures()
    await run(args, figures)
    return report(args, figures)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
