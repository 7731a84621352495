"""A pseudo-terminal driving a subprocess as a person at a keyboard would (no tmux).

The child gets the PTY as stdin, stdout, stderr and controlling terminal (so Ctrl-C is
what a terminal makes of it); :meth:`Terminal.expect` waits, with a generous bound, for
text in the screen output with ANSI escape sequences removed.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b[=>78]")
UP, LEFT, BACKSPACE, TAB, ENTER = "\x1b[A", "\x1b[D", "\x7f", "\t", "\r"
CTRL_C, CTRL_D = "\x03", "\x04"
WAIT = 90.0  # generous: the sandbox starts a cluster on a shared, busy machine


def _controlling_terminal() -> None:
    """In the child: a new session whose controlling terminal is its stdin PTY."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A child process on a fresh 40x160 PTY; ``screen`` is everything it printed."""

    def __init__(self, argv: Sequence[str], cwd: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.proc = subprocess.Popen(
            list(argv), cwd=cwd,
            env={**env, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"},
            stdin=slave, stdout=slave, stderr=slave, preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.master = master
        self.raw = ""

    @property
    def screen(self) -> str:
        """Output so far, without escape sequences and carriage returns."""
        return ANSI.sub("", self.raw).replace("\r", "")

    def _read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                data = b""
            self.raw += data.decode("utf-8", "replace")

    def expect(self, text: str | re.Pattern[str], count: int = 1,
               timeout: float = WAIT) -> None:
        """Wait until ``text`` (or the pattern) appears ``count`` times in the screen."""
        deadline = time.monotonic() + timeout
        while True:
            found = (len(text.findall(self.screen)) if isinstance(text, re.Pattern)
                     else self.screen.count(text))
            if found >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} x{count} not shown within {timeout} s; "
                                     f"screen:\n{self.screen[-4000:]}")
            self._read(0.1)

    def expect_prompt_after(self, text: str, prompt: str, timeout: float = WAIT) -> None:
        """Wait until ``prompt`` is drawn again after the last ``text``: the program is
        reading keys again. (While prompt_toolkit prints output above its prompt, the
        terminal is briefly in its normal mode, where it echoes keys itself and handles
        Backspace and Ctrl-C as a line editor would; a person's keys may land there too,
        a test's keys should not.)"""
        deadline = time.monotonic() + timeout
        while prompt not in self.screen.rpartition(text)[2]:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {prompt!r} after {text!r} within {timeout} s; "
                                     f"screen:\n{self.screen[-4000:]}")
            self._read(0.1)

    def type(self, keys: str) -> None:
        """Send keystrokes (escape sequences for special keys)."""
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float = WAIT) -> int:
        """Wait for the child to end, reading what it prints meanwhile; its exit code."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"still running after {timeout} s; "
                                     f"screen:\n{self.screen[-4000:]}")
            self._read(0.1)
        self._read(0)
        return self.proc.returncode

    def close(self) -> None:
        """Kill the child if it is still running; close the terminal."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
