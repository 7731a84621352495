"""Reading the sandbox's input lines: prompt_toolkit on a terminal, plain lines otherwise.

On a terminal (stdin and stdout both TTYs, prompt_toolkit installed) the prompt has
line editing, history (Up/Down, Ctrl-R) and Tab completion, and output printed while
the member types appears above the prompt line. Otherwise lines are read from stdin as
they come. Either way, :meth:`LineReader.read` raises ``EOFError`` on Ctrl-D or end
of input and ``KeyboardInterrupt`` on Ctrl-C, at once (no waiting for Enter).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from core.testing.sandbox.completion import Candidates


class LineReader(Protocol):
    """Where the chat's input lines come from."""

    async def read(self, prompt: str) -> str:
        """The next line (without its newline)."""

    def output(self) -> contextlib.AbstractContextManager[Any]:
        """Context in which the chat prints, so output never garbles the line typed."""


class PlainReader:
    """Lines from stdin read by a daemon thread (nothing waits on it at exit)."""

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str | None] | None = None

    def _start(self) -> asyncio.Queue[str | None]:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:
            while True:
                line = sys.stdin.readline()
                loop.call_soon_threadsafe(lines.put_nowait, line or None)
                if not line:
                    return

        threading.Thread(target=pump, name="sandbox-stdin", daemon=True).start()
        return lines

    async def read(self, prompt: str) -> str:
        """Print ``prompt`` and wait for a line; ``EOFError`` at end of input."""
        if self._lines is None:
            self._lines = self._start()
        print(prompt, end="", flush=True)
        line = await self._lines.get()
        if line is None:
            self._lines.put_nowait(None)
            raise EOFError
        return line.rstrip("\r\n")

    def output(self) -> contextlib.AbstractContextManager[Any]:
        """Nothing to protect: plain output."""
        return contextlib.nullcontext()


Complete = Callable[[str], Candidates]


def complete_now(buffer: Any, complete: Complete) -> None:
    """Tab: insert the only candidate, or the candidates' common start, at once (the next
    key then edits the completed line); with nothing to add, open the menu of candidates."""
    found = complete(buffer.document.text_before_cursor)
    common = os.path.commonprefix(found.words) if found.words else ""
    if len(common) > found.replace:
        buffer.delete_before_cursor(found.replace)
        buffer.insert_text(common)
    elif len(found.words) > 1:
        buffer.start_completion(select_first=False)


class ToolkitReader:
    """prompt_toolkit: editing, in-memory history and Tab completion via ``complete``."""

    def __init__(self, complete: Complete) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.completion import CompleteEvent, Completer, Completion
        from prompt_toolkit.document import Document
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

        class SandboxCompleter(Completer):
            def get_completions(
                self, document: Document, event: CompleteEvent
            ) -> Iterable[Completion]:
                found = complete(document.text_before_cursor)
                for word in found.words:
                    yield Completion(word, start_position=-found.replace)

        keys = KeyBindings()

        @keys.add("tab")
        def _tab(event: KeyPressEvent) -> None:
            complete_now(event.current_buffer, complete)

        self.session: Any = PromptSession(history=InMemoryHistory(),
                                          completer=SandboxCompleter(), key_bindings=keys)

    async def read(self, prompt: str) -> str:
        """Edit a line; ``EOFError`` on Ctrl-D, ``KeyboardInterrupt`` on Ctrl-C."""
        return str(await self.session.prompt_async(prompt))

    def output(self) -> contextlib.AbstractContextManager[Any]:
        """Print above the prompt while it is shown (ANSI colours kept), with the terminal's
        echo off between two prompts (see :func:`no_echo_between_prompts`)."""
        from prompt_toolkit.patch_stdout import patch_stdout

        stack = contextlib.ExitStack()
        stack.enter_context(no_echo_between_prompts())
        stack.enter_context(patch_stdout(raw=True))
        return stack


@contextlib.contextmanager
def no_echo_between_prompts() -> Iterator[None]:
    """Turn the terminal's own echo off for the chat, restored at the end.

    prompt_toolkit draws what is typed while a prompt is shown, and between two prompts
    (a line just accepted, the next prompt not yet drawn) the terminal is back in its
    normal mode: keys typed then were echoed by the terminal itself, an Up arrow as
    ``^[[A`` on the screen, although the next prompt still received them as keys.
    """
    try:
        import termios

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError):  # not a terminal, or not POSIX
        yield
        return
    quiet = list(before)
    quiet[3] &= ~(termios.ECHO | termios.ECHONL)
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, before)


def toolkit_available() -> bool:
    """Whether prompt_toolkit is installed and both stdin and stdout are terminals."""
    try:
        import prompt_toolkit  # noqa: F401
    except ImportError:
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def line_reader(complete: Complete) -> LineReader:
    """The best reader this process can have (see the module docstring)."""
    return ToolkitReader(complete) if toolkit_available() else PlainReader()

