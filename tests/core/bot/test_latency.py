"""Gateway latency counts from the heartbeat's send, even when the ack beats disnake's stamp.

disnake stamped a heartbeat's send time in its keep-alive thread after the send; an ack
arriving first (a gateway on the same machine) was measured against the previous beat,
so ``/ping`` read one heartbeat interval ("latency 5001 ms" in the sandbox).
"""

from __future__ import annotations

import time

from disnake.gateway import DiscordWebSocket, KeepAliveHandler

from core.bot.guildhall_bot import GuildhallBot
from core.bot.latency import SendStampedKeepAlive
from core.testing.bot_fixtures import eventually

PREVIOUS_BEAT_AGO = 5.0


def _connections(bot: GuildhallBot) -> list[DiscordWebSocket]:
    return [info._parent.ws for info in bot.shards.values()]


async def test_every_shard_measures_from_the_send(guildhall_bot: GuildhallBot) -> None:
    sockets = _connections(guildhall_bot)
    assert sockets
    assert all(isinstance(ws._keep_alive, SendStampedKeepAlive) for ws in sockets)


async def test_ack_before_the_threads_stamp_reads_the_real_latency(
    guildhall_bot: GuildhallBot,
) -> None:
    ws = _connections(guildhall_bot)[0]
    keep_alive = ws._keep_alive
    assert keep_alive is not None
    # the previous beat went out 5 s ago and the keep-alive thread has not stamped the
    # next one yet: the ack of a beat sent now must not be measured from the old one
    keep_alive._last_send = time.perf_counter() - PREVIOUS_BEAT_AGO
    acks_before = keep_alive._last_ack
    await ws.send_heartbeat(keep_alive.get_payload())
    await eventually(lambda: keep_alive._last_ack > acks_before, timeout=60,
                     message="the double did not ack the heartbeat")
    assert keep_alive.latency < PREVIOUS_BEAT_AGO


def test_disnakes_own_handler_would_read_the_previous_beat() -> None:
    """The bug this fixes, on disnake's handler: without the stamp, an ack arriving
    before the thread's stamp is measured from the previous beat."""

    class Socket:
        thread_id = 0
        _max_heartbeat_timeout = 60.0
        HEARTBEAT = 1

        def get_heartbeat_data(self) -> int:
            return 1

    plain = KeepAliveHandler(ws=Socket(), interval=5.0)  # type: ignore[arg-type]
    stamped = SendStampedKeepAlive(ws=Socket(), interval=5.0)  # type: ignore[arg-type]
    for handler in (plain, stamped):
        handler._last_send = time.perf_counter() - PREVIOUS_BEAT_AGO
        handler.get_payload()
        handler.ack()
    assert plain.latency >= PREVIOUS_BEAT_AGO
    assert stamped.latency < PREVIOUS_BEAT_AGO
