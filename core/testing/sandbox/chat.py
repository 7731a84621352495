"""Interactive sandbox: type as a demo member in #general and watch the bot answer."""

from __future__ import annotations

import asyncio
import contextlib

from rich.console import Console
from rich.markup import escape

from core.testing.sandbox.catalog import listing
from core.testing.sandbox.completion import Candidates, complete
from core.testing.sandbox.prompt import LineReader, line_reader
from core.testing.sandbox.replies import Reply
from core.testing.sandbox.script import DEFAULT_ACTOR
from core.testing.sandbox.session import GroupTyped, Sandbox, SandboxError

HELP = """[bold]Type as a member of Guildhall Demo:[/bold]
  text                  a message in #general (prefix commands: !ping, !prefix ?)
  /name option=value    a slash command: /warn member=@bob reason=spamming links
                        (the last option takes the rest of the line; quotes work too;
                        @member and #channel for member and channel options)
  @name                 act as another member ({members})
  :help  :commands  :quit (or Ctrl-D, Ctrl-C)   Tab completes, Up recalls"""


class Chat:
    """The read-act-print loop; bot output is printed as it arrives, from a background task."""

    def __init__(self, sandbox: Sandbox, console: Console,
                 reader: LineReader | None = None) -> None:
        self.sandbox = sandbox
        self.console = console
        self.actor = DEFAULT_ACTOR
        self.reader = reader or line_reader(self.complete)
        self._actions: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    def complete(self, text: str) -> Candidates:
        """Tab completion of the line typed so far."""
        channels = [c.name for c in self.sandbox.demo.guild.channels.values() if c.name]
        return complete(text, self.sandbox.catalog(), self.sandbox.demo.people, channels)

    def show(self, replies: list[Reply]) -> None:
        """Print bot output."""
        for reply in replies:
            self.console.print(
                f"[cyan]{escape(reply.channel)}[/cyan] [bold green]guildhall[/bold green]: "
                f"{escape(reply.describe())}"
            )

    async def _print_replies(self) -> None:
        while True:
            self.show(await self.sandbox.feed.next(3600))

    async def run(self) -> None:
        """Loop until ``:quit``, Ctrl-D, Ctrl-C or end of input.

        Lines are acted on in order by a background task, so the prompt is back at once
        (keys typed meanwhile are edited, not echoed raw by the terminal).
        """
        members = ", ".join(self.sandbox.demo.people)
        self.console.print(HELP.format(members=members))
        with self.reader.output():
            tasks = [asyncio.create_task(self._print_replies()),
                     asyncio.create_task(self._act_in_order())]
            try:
                while True:
                    try:
                        line = await self.reader.read(f"{self.actor}> ")
                    except (EOFError, KeyboardInterrupt):
                        break
                    if not self.handle(line.strip()):
                        break
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                self.show(self.sandbox.feed.poll())

    async def _act_in_order(self) -> None:
        while True:
            actor, line = await self._actions.get()
            try:
                await self.sandbox.act(actor, line)
            except GroupTyped as exc:
                self.console.print(escape(str(exc)))
            except SandboxError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/red]")
            except Exception as exc:  # an unexpected failure: say so, keep the chat going
                self.console.print(f"[red]{escape(type(exc).__name__)}: {escape(str(exc))}[/red]")

    def _commands(self) -> None:
        lines = listing(self.sandbox.catalog())
        self.console.print("[bold]Slash commands:[/bold]")
        for line in lines:
            self.console.print(f"  {escape(line)}")

    def handle(self, line: str) -> bool:
        """Act on one input line (messages and commands are queued); ``False`` ends the chat."""
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            self.console.print(HELP.format(members=", ".join(self.sandbox.demo.people)))
        elif line == ":commands":
            self._commands()
        elif line.startswith("@") and " " not in line:
            try:
                self.sandbox.person(line[1:])
                self.actor = line[1:]
            except SandboxError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/red]")
        else:
            self._actions.put_nowait((self.actor, line))
        return True
