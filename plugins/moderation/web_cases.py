"""Moderation's "Cases" page on the dashboard (``/dashboard/<guild>/cases``): the guild's
cases, newest first, 25 a page, filtered by member, moderator, action and date range,
each with its amendments (``/reason``).

For moderators only, under the rule of ``/modlog`` and ``/case``
(:func:`plugins.moderation.checks.holds` with Timeout Members, or the role
``[plugins.moderation] permission_roles`` names for it); core checks it on every request
through :attr:`WebPage.audience`. The page only shows: cases are never changed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import disnake

from core.plugins.api import GuildRequest, Settings, Viewer, WebPage
from core.web.looks import Face, faces
from core.web.params import page_number, snowflake
from plugins.moderation.checks import holds
from plugins.moderation.logpost import LABELS, format_duration_seconds
from plugins.moderation.models import ModAction, ModActionAmendment
from plugins.moderation.settings import ModerationSettings

PER_PAGE = 25
VIEW_FLAG = "moderate_members"  # what /modlog and /case require
ADMINISTRATOR = 1 << 3
FILTERS = ("member", "moderator", "action", "since", "until")


def audience(settings: Settings) -> Callable[[Viewer], bool]:
    """``audience(viewer)``: the moderators of ``/modlog``'s rule, with the configured
    ``permission_roles``."""
    roles = ModerationSettings.model_validate(
        settings.plugins.section("moderation")).permission_roles

    def may_view(viewer: Viewer) -> bool:
        everything = viewer.owner or bool(viewer.permissions & ADMINISTRATOR)
        permissions = (disnake.Permissions.all() if everything
                       else disnake.Permissions(viewer.permissions))
        return holds(permissions, viewer.role_names, VIEW_FLAG, roles)

    return may_view


@dataclass(frozen=True)
class Filters:
    """The page's query, checked: who, by whom, what, from and to which day (UTC)."""

    member: int | None
    moderator: int | None
    action: str
    since: date | None
    until: date | None
    page: int

    def link(self, page: int) -> str:
        """The query of another page with the same filters."""
        kept = {name: value for name in FILTERS if (value := self.raw(name))}
        return "?" + urlencode({**kept, "page": page})

    def raw(self, name: str) -> str:
        """A filter as the form shows it."""
        value = getattr(self, name)
        return "" if value is None else str(value)


def _user(query: Any, name: str, what: str) -> int | None:
    raw = str(query.get(name, "")).strip()
    if not raw:
        return None
    found = snowflake(raw)
    if found is None:
        raise ValueError(f"The {what} is a Discord user id (a number: Copy User ID).")
    return found


def _day(query: Any, name: str) -> date | None:
    raw = str(query.get(name, "")).strip()
    if not raw:
        return None
    try:
        if len(raw) != len("2026-12-06"):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError("A date is written YYYY-MM-DD, e.g. 2026-12-06.") from None


def read_filters(query: Any) -> Filters:
    """The filters of the page's query; ``ValueError`` with the reason for a bad one."""
    action = str(query.get("action", "")).strip()
    if action and action not in LABELS:
        raise ValueError("Choose one of the listed actions.")
    since, until = _day(query, "since"), _day(query, "until")
    if since and until and until < since:
        raise ValueError("The end date is before the start date.")
    return Filters(_user(query, "member", "member"), _user(query, "moderator", "moderator"),
                   action, since, until, page_number(query))


@dataclass(frozen=True)
class Amendment:
    """A later reason of a case."""

    when: datetime
    moderator: Face
    reason: str


@dataclass(frozen=True)
class CaseView:
    """One case as the page shows it."""

    number: int
    when: datetime
    action: str
    member: Face
    moderator: Face
    length: str
    reason: str
    amendments: list[Amendment]


async def cases_page(guild_id: int, filters: Filters) -> tuple[list[CaseView], int]:
    """The cases of one page, with their amendments and faces, and the number of pages."""
    query = ModAction.filter(guild_id=guild_id)
    if filters.member is not None:
        query = query.filter(target_id=filters.member)
    if filters.moderator is not None:
        query = query.filter(moderator_id=filters.moderator)
    if filters.action:
        query = query.filter(action_type=filters.action)
    if filters.since:
        query = query.filter(created_at__gte=datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.filter(created_at__lt=end)
    total = await query.count()
    pages = max(1, -(-total // PER_PAGE))
    rows = await query.order_by("-id").offset((filters.page - 1) * PER_PAGE).limit(PER_PAGE)
    numbers = [row.case_number for row in rows if row.case_number is not None]
    later = await ModActionAmendment.filter(
        guild_id=guild_id, case_number__in=numbers).order_by("id") if numbers else []
    people = await faces([*(r.target_id for r in rows), *(r.moderator_id for r in rows),
                          *(a.moderator_id for a in later)])
    by_case: dict[int, list[Amendment]] = {}
    for entry in later:
        by_case.setdefault(entry.case_number, []).append(
            Amendment(entry.created_at, people[entry.moderator_id], entry.reason))
    return [CaseView(
        row.case_number or 0, row.created_at, LABELS.get(row.action_type, row.action_type),
        people[row.target_id], people[row.moderator_id],
        format_duration_seconds(row.duration) if row.duration else "",
        row.reason or "", by_case.get(row.case_number or 0, []),
    ) for row in rows], pages


async def load(request: GuildRequest) -> dict[str, Any]:
    """The page's variables: filters, cases and paging."""
    filters = read_filters(request.query)
    found, pages = await cases_page(request.guild_id, filters)
    return {"filters": filters, "cases": found, "pages": pages, "actions": LABELS,
            "previous": filters.link(filters.page - 1) if filters.page > 1 else None,
            "next": filters.link(filters.page + 1) if filters.page < pages else None}


def pages(settings: Settings) -> list[WebPage]:
    """The "Cases" page, for the guild's moderators."""
    template = (Path(__file__).parent / "web_cases.html").read_text(encoding="utf-8")
    return [WebPage("cases", "Cases", template, load, audience=audience(settings))]
