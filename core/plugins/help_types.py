"""What a plugin tells ``/help`` about itself (``guildhall_help`` returns a PluginHelp).

Commands a plugin does not describe still appear in help, from their registered schema
(name, description, options); a :class:`CommandHelp` adds a longer summary, examples, the
permissions the invoker needs, and whether the command also has a prefix form.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CommandHelp:
    """Help for one slash command (``name`` as typed: ``"warn"``, ``"reminders list"``).

    ``permissions`` are permission flags (``"moderate_members"``) the invoker needs; help
    lists the command only to members holding all of them. ``owner_only`` commands are
    listed to the bot's owners only. ``prefix`` asks core for a prefix twin (``!name``) of
    a top-level command, calling the same callback and checks, where the message content
    intent is granted.
    """

    name: str
    summary: str = ""
    examples: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    owner_only: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class PluginHelp:
    """A plugin's section of ``/help``: a title, one line about it, its commands."""

    title: str
    summary: str
    commands: tuple[CommandHelp, ...] = field(default_factory=tuple)

    def command(self, name: str) -> CommandHelp | None:
        """The help of command ``name``, if the plugin describes it."""
        return next((c for c in self.commands if c.name == name), None)
