"""A bound, non-blocking Unix datagram socket for ``loop.create_datagram_endpoint(sock=)``.

asyncio accepts ``local_addr=<path>, family=AF_UNIX``; uvloop (the extra ``speed``) only
takes a ``(host, port)`` there, but both accept a socket bound beforehand.
"""

from __future__ import annotations

import socket
from pathlib import Path


def bound_unix_datagram(path: Path | str) -> socket.socket:
    """A ``SOCK_DGRAM`` Unix socket bound to ``path`` (which must not exist)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(str(path))
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock
