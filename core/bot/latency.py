"""Gateway latency measured from the heartbeat's send, not from the previous beat.

disnake's ``KeepAliveHandler`` records ``_last_send`` in its own thread *after* the
event loop has sent the heartbeat. When the HEARTBEAT_ACK arrives before that thread
runs again (a gateway that answers within the interpreter's thread switch interval,
such as the local Discord double, or a busy process), the ack is measured against the
previous beat and the latency reads one heartbeat interval too high (``/ping`` said
"5001 ms" with a 5 s interval). The handler here stamps the send time when the
heartbeat payload is built, just before it is handed to the loop, which every path
(the periodic beat, the first beat after HELLO, a beat the gateway asks for) goes
through; disnake's own later stamp then only affects the next ack, if any.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import disnake.gateway
from disnake.gateway import KeepAliveHandler

if TYPE_CHECKING:  # disnake.types imports circularly at run time
    from disnake.types.gateway import HeartbeatCommand


class SendStampedKeepAlive(KeepAliveHandler):
    """A keep-alive handler whose latency counts from the send of the acked heartbeat."""

    def get_payload(self) -> HeartbeatCommand:
        """The heartbeat payload; the send time is stamped now."""
        self._last_send = time.perf_counter()
        return super().get_payload()


def measure_latency_from_send() -> None:
    """Make every gateway connection opened from now on use :class:`SendStampedKeepAlive`."""
    disnake.gateway.KeepAliveHandler = SendStampedKeepAlive  # type: ignore[misc]
