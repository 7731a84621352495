"""Interactive sandbox: type as a demo member in #general and watch the bot answer."""

from __future__ import annotations

import asyncio
import contextlib

from rich.console import Console
from rich.markup import escape

from core.testing.sandbox.replies import Reply
from core.testing.sandbox.script import DEFAULT_ACTOR
from core.testing.sandbox.session import Sandbox, SandboxError

HELP = """[bold]Type as a member of Guildhall Demo:[/bold]
  text                  a message in #general (prefix commands: !ping, !prefix ?)
  /name option=value    a slash command (/ping, /prefix set prefix=?); @member and
                        #channel work for user and channel options
  @name                 act as another member ({members})
  :help  :commands  :quit (or Ctrl-D)"""


class Chat:
    """The read-act-print loop; bot output is printed as it arrives, from a background task."""

    def __init__(self, sandbox: Sandbox, console: Console) -> None:
        self.sandbox = sandbox
        self.console = console
        self.actor = DEFAULT_ACTOR

    def show(self, replies: list[Reply]) -> None:
        """Print bot output."""
        for reply in replies:
            self.console.print(
                f"[cyan]{escape(reply.channel)}[/cyan] [bold green]guildhall[/bold green]: "
                f"{escape(reply.describe())}"
            )

    async def _print_replies(self) -> None:
        while True:
            replies = await self.sandbox.feed.next(3600)
            if replies:
                self.console.print()  # leave the prompt line the user is typing on
                self.show(replies)
                self.console.print(f"{self.actor}> ", end="")

    async def run(self) -> None:
        """Loop until ``:quit`` or end of input."""
        members = ", ".join(self.sandbox.demo.people)
        self.console.print(HELP.format(members=members))
        printer = asyncio.create_task(self._print_replies())
        try:
            while True:
                try:
                    line = await asyncio.to_thread(self.console.input, f"{self.actor}> ")
                except EOFError:
                    break
                if not await self.handle(line.strip()):
                    break
        finally:
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer
            self.show(self.sandbox.feed.poll())

    async def handle(self, line: str) -> bool:
        """Act on one input line; ``False`` ends the chat."""
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            self.console.print(HELP.format(members=", ".join(self.sandbox.demo.people)))
        elif line == ":commands":
            self.console.print("slash commands: " + ", ".join(self.sandbox.commands()))
        elif line.startswith("@") and " " not in line:
            try:
                self.sandbox.person(line[1:])
                self.actor = line[1:]
            except SandboxError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/red]")
        else:
            try:
                await self.sandbox.act(self.actor, line)
            except SandboxError as exc:
                self.console.print(f"[red]{escape(str(exc))}[/red]")
        return True
