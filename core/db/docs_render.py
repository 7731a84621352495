"""Markdown rendering of :class:`core.db.docs.DataDoc`, in the seed document's style.

The output is deterministic (sorted, no timestamps), so a fresh rendering can be compared
byte for byte with the committed ``docs/DATABASE.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from core.db.docs import DataDoc, JobDoc, TableDoc

REFRESH = "guildhall db docs --output docs/DATABASE.md"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _row(*cells: str) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _grid(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A Markdown table."""
    return [_row(*headers), "|" + "---|" * len(headers), *(_row(*r) for r in rows)]


def _anchor(title: str) -> str:
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _header(doc: DataDoc) -> list[str]:
    apps = sorted({t.app for t in doc.tables}, key=lambda a: (a != "core", a))
    lines = [
        "# Database documentation",
        "",
        f"<!-- Generated from the code by `{REFRESH}`. Do not edit by hand. -->",
        "",
        "What each table represents, when it grows, when it is cleaned and who may change it,",
        "generated from the models of core and the enabled plugins (each model's `LIFECYCLE`)",
        "and from the maintenance jobs the plugins declare. CI runs `guildhall db docs --check`,",
        f"so this file cannot drift from the schema: after changing models run `{REFRESH}`.",
        "",
        "Types are given for SQLite and PostgreSQL. A default marked \"set by the app\" is",
        "filled in by the ORM, not by the database. Retention periods are the configured",
        "ones (`[maintenance]` in config.toml).",
        "",
        "## Contents",
        "",
        "1. [Schema overview](#schema-overview)",
    ]
    for number, app in enumerate(apps, start=2):
        lines.append(f"{number}. [{app}](#{_anchor(app)})")
    lines.append(f"{len(apps) + 2}. [Maintenance jobs](#maintenance-jobs)")
    lines.append("")
    return lines


def _overview(doc: DataDoc) -> list[str]:
    rows = [(f"`{t.table}`", t.app, t.lifecycle.owner, t.lifecycle.represents)
            for t in doc.tables]
    return ["## Schema overview", "", *_grid(("Table", "App", "Owner", "Represents"), rows), ""]


def _columns(table: TableDoc) -> list[str]:
    rows = [(f"`{c.name}`", c.types[0], c.types[1], "yes" if c.nullable else "no",
             f"`{c.default}`" if c.default else "", c.key) for c in table.columns]
    return _grid(("Column", "SQLite", "PostgreSQL", "Null", "Default", "Key"), rows)


def _keys(table: TableDoc) -> list[str]:
    lines = []
    if table.indexes:
        lines += ["", "**Indexes and unique constraints:**", ""]
        for index in table.indexes:
            kind = "unique" if index.unique else "index"
            name = f"`{index.name}`" if index.name else "inline"
            lines.append(f"- {name} ({kind}) on ({', '.join(index.columns)})")
    if table.foreign_keys:
        lines += ["", "**Foreign keys:**", ""]
        for key in table.foreign_keys:
            lines.append(f"- `{key.column}` → `{key.table}.{key.to_column}` "
                         f"(ON DELETE {key.on_delete})")
    return lines


def _table(table: TableDoc, jobs: list[JobDoc]) -> list[str]:
    life = table.lifecycle
    title = f"### `{table.table}`" + (f" - {table.summary}" if table.summary else "")
    lines = [title, "", f"Model `{table.model}`."]
    if table.timer_table:
        lines[-1] += (" A scheduler timer table: the leader claims due rows (columns "
                      "`attempts` to `failed_at` belong to the scheduler).")
    lines += [
        "",
        f"**What it represents:** {life.represents}",
        "",
        f"**When it grows:** {life.grows}",
        "",
        f"**When it's cleaned:** {life.cleaned}",
        "",
        f"**Who can touch it:** {life.owner}",
        "",
        f"**Retention:** {life.retention}",
        "",
        *_columns(table),
        *_keys(table),
    ]
    if jobs:
        lines += ["", "**Maintenance jobs:** " + ", ".join(f"`{j.name}`" for j in jobs)]
    lines.append("")
    return lines


def _jobs(doc: DataDoc) -> list[str]:
    rows = [(f"`{j.name}`", j.owner, j.schedule, j.action, f"`{j.table}`" if j.table else "",
             j.age, ", ".join(f"`{a}`" for a in j.after)) for j in doc.jobs]
    return [
        "## Maintenance jobs",
        "",
        "Run by the leader in daily or weekly windows, in this order (a job waits for the",
        "jobs in its \"After\" column); `guildhall maintenance run --job NAME` runs one now.",
        "",
        *_grid(("Job", "Owner", "Schedule", "Action", "Table", "Rows", "After"), rows),
        "",
    ]


def render_markdown(doc: DataDoc) -> str:
    """The whole document as Markdown (ends with one newline)."""
    lines = _header(doc) + _overview(doc)
    for app, tables in groupby(doc.tables, key=lambda t: t.app):
        lines += [f"## {app}", ""]
        for table in tables:
            lines += _table(table, [j for j in doc.jobs if j.table == table.table])
    lines += _jobs(doc)
    return "\n".join(lines).rstrip("\n") + "\n"
