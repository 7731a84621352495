"""The shared safe renderer: a fixed table, ``{argN}`` only for callers with arguments,
neutralised mentions, the 2,000-character cut; the welcome's table over it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.services.templates import MAX_OUTPUT, ZWSP, render_template
from plugins.welcome.service import Newcomer, render
from tests.discord_mentions import mentions_in, would_ping

TABLE = {"user": "Alice", "user.mention": "<@42>"}
NEWCOMER = Newcomer(42, "alice", "Alice A", "Guildhall Demo", 5)


def test_arguments_only_where_the_caller_has_them() -> None:
    assert render_template("{arg1}|{arg2}", TABLE, ("x",)) == "x|"
    assert render_template("{arg1}|{args}", TABLE) == "{arg1}|{args}"
    assert render_template("", TABLE, empty="(none)") == "(none)"


def test_values_are_not_rendered_again_and_mentions_are_neutralised() -> None:
    table = {"user": "{user.mention} @everyone <@&9>"}
    assert render_template("{user}", table) == f"{{user.mention}} @{ZWSP}everyone @{ZWSP}role"
    long = render_template("x" * (MAX_OUTPUT + 50), TABLE)
    assert len(long) == MAX_OUTPUT and long.endswith("…")


def test_welcome_table() -> None:
    text = "{user}|{user.mention}|{user.name}|{user.id}|{server}|{server.members}|{channel}"
    assert render(text, NEWCOMER) == "Alice A|<@42>|alice|42|Guildhall Demo|5|{channel}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("{}@&<>!#:|.abceghnoruvy0123456789 ")),
               max_size=200))
def test_hostile_welcome_pings_only_the_newcomer(template: str) -> None:
    text = render(template, NEWCOMER)
    found = mentions_in(text)
    assert found.everyone is False and not found.roles  # neutralised in the text itself
    # as sent (only_user(newcomer)): nobody else can be pinged
    assert would_ping(text, {"parse": [], "users": ["42"]}).users <= {42}
