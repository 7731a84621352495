"""A private PostgreSQL cluster (``initdb``/``pg_ctl``) on a free port, safe to restart.

Never the shared server: the fault tests stop and start this one at will. As root,
the cluster runs as the ``postgres`` user (``initdb`` refuses root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from core.testing.services import _free_port, _pg_binary, _port_open


class ThrowawayPostgres:
    """``initdb`` into a temp dir; :meth:`start`, :meth:`stop` (immediate), :meth:`cleanup`."""

    def __init__(self) -> None:
        initdb, self.pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
        assert initdb and self.pg_ctl, "PostgreSQL binaries (initdb, pg_ctl) are not installed"
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="guildhall-chaos-pg-")
        os.chmod(self.dir, 0o755)
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = f"{self.dir}/data"
        subprocess.run([*self.prefix, initdb, "-D", self.data, "-A", "trust", "-U", "postgres"],
                       check=True, capture_output=True)

    @property
    def url(self) -> str:
        """The ``postgres`` database of this cluster."""
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> ThrowawayPostgres:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        subprocess.run([*self.prefix, self.pg_ctl, "-D", self.data, "-o", options, "-l",
                        f"{self.dir}/log", "-w", "start"], check=True, capture_output=True)
        return self

    def stop(self) -> None:
        """Stop at once, as a crash would (open transactions are lost, clients cut off)."""
        subprocess.run([*self.prefix, self.pg_ctl, "-D", self.data, "-m", "immediate", "stop"],
                       capture_output=True)

    @property
    def accepting(self) -> bool:
        """Whether the port accepts TCP connections."""
        return _port_open("127.0.0.1", self.port)

    def cleanup(self) -> None:
        """Stop and remove the cluster."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
