"""Sandbox scripts: a conversation with the bot and the replies it must give.

Format (one directive per line)::

    # a comment                 blank lines and comments are ignored
    @admin                      act as this demo member from now on (default: alice)
    > !ping                     post a message in #general
    > /prefix set prefix=?      invoke a slash command (options as name=value)
    < Pong                      expect a reply containing "Pong" (one line per reply)
    < (no reply)                expect no reply at all

Each ``<`` line consumes the next reply that contains its text (other replies are
shown and skipped) and fails after the timeout. A ``>`` without ``<`` lines just shows
what the bot says during the quiet period.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from core.plugins.manager import PluginManager
from core.testing.sandbox.replies import Reply
from core.testing.sandbox.session import Sandbox, SandboxError

NO_REPLY = "(no reply)"
DEFAULT_ACTOR = "alice"
SCRIPT_SUFFIX = ".txt"


class ScriptError(Exception):
    """The script cannot be read; the message names the file and line."""


@dataclass
class Expect:
    """An expected reply: ``text`` it contains, or ``None`` for silence; its line number."""

    line: int
    text: str | None


@dataclass
class Step:
    """One message or command, who sends it, and the replies it must get."""

    line: int
    actor: str
    text: str
    expects: list[Expect] = field(default_factory=list)


def parse_script(text: str, source: str = "<script>") -> list[Step]:
    """Read a script; raise :class:`ScriptError` on a line that is not a directive."""
    steps: list[Step] = []
    actor = DEFAULT_ACTOR
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source}:{number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            actor = line[1:].strip()
            if not actor or " " in actor:
                raise ScriptError(f"{where}: write a member name after '@', e.g. @admin")
        elif line.startswith(">"):
            content = line[1:].strip()
            if not content:
                raise ScriptError(f"{where}: nothing to send after '>'")
            steps.append(Step(number, actor, content))
        elif line.startswith("<"):
            if not steps:
                raise ScriptError(f"{where}: '<' expects a reply, but nothing was sent yet")
            expected = line[1:].strip()
            if not expected:
                raise ScriptError(f"{where}: write the expected text, or {NO_REPLY!r}")
            steps[-1].expects.append(Expect(number, None if expected == NO_REPLY else expected))
        else:
            raise ScriptError(f"{where}: lines start with '>', '<', '@' or '#': {line!r}")
    if not steps:
        raise ScriptError(f"{source}: the script sends nothing")
    return steps


def builtin_scripts() -> dict[str, Path]:
    """Scripts shipped with guildhall (``core/testing/scripts/*.txt``), by name."""
    folder = resources.files("core.testing.scripts")
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(SCRIPT_SUFFIX)
    }


def plugin_scripts(plugins: PluginManager) -> dict[str, Path]:
    """Scripts the enabled plugins ship (hook ``guildhall_sandbox_scripts``), by
    ``<plugin>:<name>``."""
    found: dict[str, Path] = {}
    for plugin, scripts in plugins.call("guildhall_sandbox_scripts"):
        for name, path in dict(scripts).items():
            found[f"{plugin}:{name}"] = Path(path)
    return found


def resolve_script(name: str, plugins: PluginManager | None = None) -> Path:
    """A script file path, the name of a built-in script (``demo``) or a plugin's script
    (``myplugin:tour``)."""
    path = Path(name)
    if path.is_file():
        return path
    known = builtin_scripts()
    if plugins is not None:
        known.update(plugin_scripts(plugins))
    if name in known:
        if not known[name].is_file():
            raise ScriptError(f"script {name!r} names a missing file: {known[name]}")
        return known[name]
    raise ScriptError(f"no script file {name!r}; built-in scripts: {', '.join(sorted(known))}")


@dataclass
class Outcome:
    """How a script run ended."""

    steps_run: int = 0
    expectations_met: int = 0
    failure: str | None = None

    @property
    def passed(self) -> bool:
        """Whether every expectation was met."""
        return self.failure is None


Echo = Callable[[str], None]


class ScriptRunner:
    """Plays steps against a started :class:`Sandbox`, printing the transcript via ``echo``."""

    def __init__(
        self, sandbox: Sandbox, echo: Echo, *, timeout: float = 5.0, quiet: float = 0.4
    ) -> None:
        self.sandbox = sandbox
        self.echo = echo
        self.timeout = timeout
        self.quiet = quiet
        self._pending: list[Reply] = []

    def _drain(self) -> list[Reply]:
        """Replies received but not yet consumed, plus whatever is new."""
        replies, self._pending = self._pending + self.sandbox.feed.poll(), []
        return replies

    def _show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.echo(f"  {reply.channel} < {reply.describe()}")

    async def run(self, steps: list[Step], source: str) -> Outcome:
        """Run every step; stop at the first unmet expectation."""
        outcome = Outcome()
        for name in {step.actor for step in steps}:
            try:
                self.sandbox.person(name)
            except SandboxError as exc:
                outcome.failure = f"{source}: {exc}"
                return outcome
        for step in steps:
            failure = await self._step(step, source, outcome)
            outcome.steps_run += 1
            if failure is not None:
                outcome.failure = failure
                self.echo(f"  FAILED {failure}")
                break
        self._show(self._drain())
        return outcome

    async def _step(self, step: Step, source: str, outcome: Outcome) -> str | None:
        feed = self.sandbox.feed
        self._show(self._drain())  # late output of the previous step belongs to it
        self.echo(f"{step.actor} > {step.text}")
        try:
            await self.sandbox.act(step.actor, step.text)
        except SandboxError as exc:
            return f"{source}:{step.line}: {exc}"
        if not step.expects:
            self._show(await feed.collect(self.quiet))
        for expect in step.expects:
            where, expected = f"{source}:{expect.line}", expect.text
            if expected is None:
                extra = self._drain() + await feed.collect(self.quiet)
                self._show(extra)
                if extra:
                    return f"{where}: expected no reply, got {extra[0].text!r}"
                self.echo(f"  {NO_REPLY}")
            elif not await self._wait_for(expected):
                return f"{where}: no reply containing {expected!r} within {self.timeout:g} s"
            outcome.expectations_met += 1
        return None

    async def _wait_for(self, expected: str) -> bool:
        """Show replies until one contains ``expected``; later ones stay pending."""
        deadline = time.monotonic() + self.timeout
        while True:
            while self._pending:
                reply = self._pending.pop(0)
                self._show([reply])
                if reply.contains(expected):
                    return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._pending = await self.sandbox.feed.next(left)
