"""The slash commands the bot registered in the double, as the sandbox prompt shows them.

Discord nests subcommands in a command's options (type 1 subcommand, type 2 group);
:func:`command_catalog` flattens that tree into one entry per typed path
(``customcmd``, ``customcmd create``), each with its option names or its children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


@dataclass(frozen=True)
class Option:
    """One option of a runnable command: its name, Discord type and whether it is required."""

    name: str
    type: int
    required: bool = False


@dataclass
class CommandEntry:
    """A typed path: runnable (``options``) or a group to pick from (``children``)."""

    path: str
    description: str = ""
    options: list[Option] = field(default_factory=list)
    children: list[str] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        """Whether a subcommand must follow (``/customcmd`` alone runs nothing)."""
        return bool(self.children)

    def usage(self) -> str:
        """``/warn member=… reason=…`` (optional options in brackets)."""
        shown = [o.name + "=…" if o.required else f"[{o.name}=…]" for o in self.options]
        return " ".join([f"/{self.path}", *shown])


Catalog = dict[str, CommandEntry]


def _add(catalog: Catalog, path: str, data: dict[str, Any]) -> None:
    options = list(data.get("options") or [])
    entry = CommandEntry(path, str(data.get("description") or ""))
    catalog[path] = entry
    for option in options:
        if int(option["type"]) in (SUB_COMMAND, SUB_COMMAND_GROUP):
            entry.children.append(option["name"])
            _add(catalog, f"{path} {option['name']}", option)
        else:
            entry.options.append(
                Option(option["name"], int(option["type"]), bool(option.get("required"))))


def command_catalog(commands: Iterable[dict[str, Any]]) -> Catalog:
    """Every path of the chat-input (type 1) commands in ``commands`` (their JSON data)."""
    catalog: Catalog = {}
    for data in sorted(commands, key=lambda d: str(d.get("name"))):
        if int(data.get("type") or 1) == 1:
            _add(catalog, str(data["name"]), data)
    return catalog


def listing(catalog: Catalog, root: str | None = None) -> list[str]:
    """One usage line per runnable command (under ``root`` when given), with its
    description."""
    lines = []
    for path, entry in catalog.items():
        if entry.is_group or (root and path != root and not path.startswith(root + " ")):
            continue
        lines.append(f"{entry.usage()}  {entry.description}".rstrip())
    return lines
