"""Find or start the PostgreSQL and Redis servers the test suite needs.

Order: a URL from the environment (``GUILDHALL_TEST_POSTGRES_URL``,
``GUILDHALL_TEST_REDIS_URL``); only when told (``GUILDHALL_TEST_USE_RUNNING=1``) a server
already listening on the default local port; a throwaway server started from local
binaries (``initdb``/``pg_ctl``, ``redis-server``) in a temporary directory, stopped at
the end of the run. A server that happens to listen on 5432 or 6379 is never used
silently: it may be someone's real data. When none works the caller
decides: skip locally, fail when ``GUILDHALL_REQUIRE_SERVICES=1`` (CI).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field


@dataclass
class Service:
    """A reachable server: its URL, and how to stop it if we started it."""

    url: str
    origin: str
    _stop: list[subprocess.Popen | str] = field(default_factory=list, repr=False)
    _tmp: str | None = None

    def stop(self) -> None:
        """Stop a throwaway server (no-op for external ones)."""
        for item in self._stop:
            if isinstance(item, subprocess.Popen):
                item.terminate()
                try:
                    item.wait(10)
                except subprocess.TimeoutExpired:
                    item.kill()
            else:
                subprocess.run(item, shell=True, check=False, capture_output=True)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _port_open("127.0.0.1", port):
            return True
        time.sleep(0.1)
    return False


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def postgres() -> tuple[Service | None, str]:
    """A PostgreSQL server URL whose user may create databases, or ``(None, reason)``."""
    if url := os.environ.get("GUILDHALL_TEST_POSTGRES_URL"):
        return Service(url, "environment"), ""
    if use_running() and _port_open("127.0.0.1", 5432):
        return Service("postgres://postgres@127.0.0.1:5432/postgres", "local server"), ""
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not (initdb and pg_ctl):
        return None, "no PostgreSQL: set GUILDHALL_TEST_POSTGRES_URL or install postgresql"
    tmp = tempfile.mkdtemp(prefix="guildhall-pg-")
    os.chmod(tmp, 0o755)
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(tmp, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = f"{tmp}/data", _free_port()
    subprocess.run([*prefix, initdb, "-D", data, "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*prefix, pg_ctl, "-D", data, "-o", options, "-l", f"{tmp}/log", "-w",
                    "start"], check=True, capture_output=True)
    stop = " ".join([*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"])
    return Service(f"postgres://postgres@127.0.0.1:{port}/postgres", "throwaway", [stop],
                   tmp), ""


def redis() -> tuple[Service | None, str]:
    """A Redis server URL, or ``(None, reason)``."""
    if url := os.environ.get("GUILDHALL_TEST_REDIS_URL"):
        return Service(url, "environment"), ""
    if use_running() and _port_open("127.0.0.1", 6379):
        return Service("redis://127.0.0.1:6379/0", "local server"), ""
    binary = shutil.which("redis-server")
    if not binary:
        return None, "no Redis: set GUILDHALL_TEST_REDIS_URL or install redis-server"
    tmp, port = tempfile.mkdtemp(prefix="guildhall-redis-"), _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", tmp],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    if not _wait_port(port):
        process.kill()
        return None, "redis-server did not start"
    return Service(f"redis://127.0.0.1:{port}/0", "throwaway", [process], tmp), ""


def use_running() -> bool:
    """True when the servers on the default local ports may be used (opt-in)."""
    return os.environ.get("GUILDHALL_TEST_USE_RUNNING", "") == "1"


def required() -> bool:
    """True when a missing service must fail the run instead of skipping (CI)."""
    return os.environ.get("GUILDHALL_REQUIRE_SERVICES", "") == "1"
