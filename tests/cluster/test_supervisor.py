"""Supervision with real child processes standing in for workers (small Python programs).

The supervisor is the real one; only the command it starts is replaced, so crash loops,
silent workers and workers ignoring SIGTERM can be produced on demand and quickly.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path

import pytest

from cluster.planning import Cluster, ShardPlan, split_clusters
from cluster.supervisor import Supervisor, describe_exit
from core.testing.bot_fixtures import eventually
from core.testing.pytest_plugin import make_settings

pytestmark = pytest.mark.processes

WRITE = """
import json, os, signal, sys, time
index, directory, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def write():
    report = {"cluster": index, "shard_ids": [index], "shard_count": 2, "host": "h",
              "pid": os.getpid(), "state": "ready", "reported_at": time.time()}
    path = os.path.join(directory, f"cluster-{index}.json")
    with open(path + ".tmp", "w") as out:
        json.dump(report, out)
    os.replace(path + ".tmp", path)
"""
REPORTER = WRITE + """
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    write()
    time.sleep(0.1)
"""
# Starts slowly (1 s, longer than the tests' heartbeat timeout), reports for 0.5 s, hangs.
LATE = WRITE + """
time.sleep(1.0)
for _ in range(5):
    write()
    time.sleep(0.1)
time.sleep(60)
"""
PROGRAMS = {
    "crash": "import sys; sys.exit(3)",
    "silent": "import time; time.sleep(60)",
    "polite": REPORTER,
    "stubborn": REPORTER,
    "late": LATE,
}


class ScriptedSupervisor(Supervisor):
    """Starts ``PROGRAMS[mode]`` for every cluster instead of ``python -m cluster.worker``."""

    mode = "crash"

    def command(self, cluster: Cluster) -> list[str]:
        directory = self.settings.cluster.status_directory
        return [sys.executable, "-c", PROGRAMS[self.mode], str(cluster.index), directory,
                self.mode]


def supervisor(tmp_path: Path, mode: str, **cluster: float) -> ScriptedSupervisor:
    (tmp_path / "status").mkdir(exist_ok=True)
    options = {"status_directory": str(tmp_path / "status"), "status_interval_seconds": 0.2,
               "status_stale_seconds": 0.5, "restart_backoff_min_seconds": 0.2,
               "restart_backoff_max_seconds": 0.8, **cluster}
    settings = make_settings(f"sqlite://{tmp_path}/bot.db", [], cluster=options)
    clusters = split_clusters(2, 1)
    sup = ScriptedSupervisor(settings, ShardPlan(2, 1, clusters, clusters), poll_seconds=0.05)
    sup.mode = mode
    return sup


def delays(caplog: pytest.LogCaptureFixture, label: str) -> list[float]:
    found = re.findall(rf"{label} .* restarting in ([0-9.]+) s", caplog.text)
    return [float(d) for d in found]


async def test_crash_loop_backs_off_exponentially(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="cluster.supervisor")
    sup = supervisor(tmp_path, "crash")
    await sup.start()
    await eventually(lambda: all(s.restarts >= 5 for s in sup.slots), timeout=20)
    assert await sup.stop() == 0  # nothing was running to stop
    assert delays(caplog, "cluster 0 shards 0")[:5] == [0.2, 0.4, 0.8, 0.8, 0.8]
    assert "cluster 1 shards 1 exited with code 3 after" in caplog.text
    assert set(sup.slots[0].reasons) == {"exited with code 3"}


async def test_backoff_resets_after_a_healthy_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="cluster.supervisor")
    PROGRAMS["healthy-then-crash"] = "import time, sys; time.sleep(0.5); sys.exit(1)"
    sup = supervisor(tmp_path, "healthy-then-crash", healthy_reset_seconds=0.3)
    await sup.start()
    await eventually(lambda: sup.slots[0].restarts >= 3, timeout=20)
    await sup.stop()
    assert delays(caplog, "cluster 0 shards 0")[:3] == [0.2, 0.2, 0.2]


async def test_worker_that_never_reports_is_killed_after_the_startup_grace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="cluster.supervisor")
    sup = supervisor(tmp_path, "silent", heartbeat_timeout_seconds=0.3,
                     startup_grace_seconds=1.0)
    started = time.monotonic()  # before the spawn: the grace counts from the worker's start
    await sup.start()
    await eventually(lambda: sup.slots[0].restarts >= 1, timeout=20)
    assert time.monotonic() - started >= 1.0  # the grace, not the heartbeat timeout
    await sup.stop()
    assert sup.slots[0].reasons[0].startswith("sent no first status report ")
    killed = r"cluster 0 shards 0 sent no first status report \d+ s after starting: killing it"
    assert re.search(killed, caplog.text)


async def test_slow_starter_within_the_grace_survives_then_heartbeats_apply(
    tmp_path: Path,
) -> None:
    sup = supervisor(tmp_path, "late", heartbeat_timeout_seconds=0.4, startup_grace_seconds=3)
    await sup.start()
    await sup.wait_ready(10)  # first report after >= 1 s: longer than the heartbeat timeout
    assert [slot.restarts for slot in sup.slots] == [0, 0]
    # Once reported, going silent is judged by the heartbeat timeout again (not the grace).
    await eventually(lambda: all(slot.restarts >= 1 for slot in sup.slots), timeout=20)
    await sup.stop()
    assert all(slot.reasons[0].startswith("sent no status report for ") for slot in sup.slots)


async def test_stop_is_clean_only_when_every_worker_exits_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    polite = supervisor(tmp_path, "polite", heartbeat_timeout_seconds=5)
    await polite.start()
    await polite.wait_ready(20)  # the programs' reports count as heartbeats
    assert all(slot.restarts == 0 for slot in polite.slots)
    assert await polite.stop() == 0

    caplog.set_level(logging.ERROR, logger="cluster.supervisor")
    stubborn = supervisor(tmp_path, "stubborn", heartbeat_timeout_seconds=5,
                          stop_timeout_seconds=0.5)
    await stubborn.start()
    await stubborn.wait_ready(20)
    started = time.monotonic()
    assert await stubborn.stop() == 1
    assert 0.5 <= time.monotonic() - started < 5
    assert "cluster 0 shards 0 did not stop within 0.5 s: killing it" in caplog.text


def test_exit_descriptions() -> None:
    assert describe_exit(0) == "exited with code 0"
    assert describe_exit(-9) == "was killed by SIGKILL"
    assert describe_exit(-200) == "was killed by signal 200"
