"""`guildhall run` as an operator starts it: a launcher process and its worker, against the double.

The launcher migrates, plans the double's 2 shards into one cluster, starts the worker,
which connects every shard, answers a member and becomes the leader; on SIGTERM the
worker flushes its buffered writes (the member's users row) and everything exits 0.
"""

from __future__ import annotations

from pathlib import Path

from core.db.models import User
from core.testing.bot_fixtures import channel_reply, eventually, profile_environment
from tests.cluster.launcher_kit import Launcher, cluster_settings, statuses, wait_ready


async def test_guildhall_run_serves_and_stops_cleanly(
    guildhall_db, guildhall_double, guildhall_demo, guildhall_profile, tmp_path: Path
) -> None:
    double, demo = guildhall_double, guildhall_demo
    settings = cluster_settings(
        guildhall_db.settings, tmp_path, identify_window_seconds=double.config.identify_window
    )
    launcher = await Launcher(settings, double, tmp_path / "run.log",
                              env=profile_environment(guildhall_profile)).start()
    try:
        (worker,) = (await wait_ready(settings, 1)).values()
        assert worker.shard_ids == [0, 1] and worker.shard_count == 2
        await double.wait_for_sessions(2, timeout=45)
        await double.send_message(demo.general, demo.member, "!ping")
        reply = await channel_reply(double, demo.general, timeout=20)
        assert reply.content.startswith("Pong")
        assert await User.filter(user_id=demo.member.id).count() == 0  # still buffered

        async def leads() -> bool:
            return any(s.leader for s in (await statuses(settings)).values())

        await eventually(leads, timeout=20, message="the worker became the leader")
    finally:
        code = await launcher.stop()
    assert code == 0, launcher.output()[-2000:]
    user = await User.get(user_id=demo.member.id)
    assert user.username == demo.member.user.username
