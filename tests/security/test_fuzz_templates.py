"""A hypothesis fuzz of custom command templates and their arguments, through the double.

An admin stores a template built from known tokens, attribute-access and format-field
attempts, mass and role mentions and SQL (``/customcmd edit``); a plain member runs it
with hostile arguments (``!fuzz ...``). The answer never pings anyone but the invoker,
never renders @everyone/@here or a role mention, never shows Python internals, keeps
literal text (SQL included) verbatim, and fits in one message.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.db.errors import BAD_TEXT
from core.testing.bot_fixtures import channel_reply
from tests.discord_mentions import mentions_in, would_ping
from tests.security.hostile import (
    SQL,
    TIMEOUT,
    HostileWorld,
    fuzz_settings,
    hostile_strings,
    hostile_world,
    mass_mention_problems,
    output_problems,
)

__all__ = ["hostile_world"]
pytestmark = pytest.mark.reliability

FUZZ = fuzz_settings(120)
TOKENS = ["{user}", "{user.mention}", "{user.name}", "{user.id}", "{server}",
          "{server.members}", "{channel}", "{args}", "{arg1}", "{arg2}", "{arg99}", "{uses}",
          "{user.__class__}", "{0.__init__}", "{user.__init__.__globals__}", "{random:}",
          "{random:@everyone|@here|x}", "{0}", "{}", "{{user}}", "{user!r}", "{user:>9999}",
          "%s", "%(user)s", "@everyone", "@here", SQL]


def templates(world: HostileWorld) -> st.SearchStrategy[str]:
    """Templates mixing tokens, hostile fragments and free text."""
    role = st.sampled_from([f"<@&{r}>" for r in world.role_ids()])
    piece = st.one_of(st.sampled_from(TOKENS), role, hostile_strings(world.role_ids(), 40))
    return st.lists(piece, min_size=1, max_size=30).map("".join)


async def slash(world: HostileWorld, name: str, options: dict) -> str:
    """Invoke as the admin; return the answer's text."""
    handle = await world.double.invoke_slash(
        world.guild, world.demo.general, world.demo.admin, name, options,
        register_timeout=TIMEOUT,
    )
    return (await handle.wait_response(timeout=TIMEOUT)).content


@FUZZ
@given(data=st.data())
async def test_templates_and_arguments_never_leak_or_ping(
    hostile_world: HostileWorld, data: st.DataObject
) -> None:
    world = hostile_world
    template = data.draw(templates(world), label="template")
    args = data.draw(st.lists(hostile_strings(world.role_ids(), 60), max_size=5), label="args")
    answer = await slash(world, "customcmd edit", {"name": "fuzz", "response": template})
    if "no custom command" in answer:
        answer = await slash(world, "customcmd create", {"name": "fuzz", "response": template})
    if not template.strip() or len(template.strip()) > 2000:
        assert "That did not work" in answer, answer  # refused cleanly
        return
    if "\x00" in template and answer == BAD_TEXT:
        return  # PostgreSQL cannot store NUL: refused cleanly, nothing stored
    assert "`fuzz`" in answer, answer
    line = " ".join(["!fuzz", *args])[:2000]
    await world.double.send_message(world.demo.general, world.demo.member, line)
    reply = await channel_reply(world.double, world.demo.general, timeout=TIMEOUT)
    text = reply.content
    assert 0 < len(text) <= 2000
    shown = mentions_in(text)  # Discord's rules, independent of the renderer's regexes
    assert not shown.everyone and not shown.roles, text
    pinged = would_ping(text, reply.allowed_mentions)
    assert not pinged.everyone and not pinged.roles, (text, reply.allowed_mentions)
    assert pinged.users <= {world.demo.member.id}, (text, reply.allowed_mentions)
    allowed = reply.allowed_mentions or {}
    assert not allowed.get("parse") and not allowed.get("roles"), allowed
    assert [int(u) for u in allowed.get("users", [])] in ([], [world.demo.member.id])
    problems = output_problems([text], [template, *args])
    problems += mass_mention_problems(world.double)
    assert not problems, "\n".join(problems)
    if SQL in template and len(text) < 2000 and "{random:" not in template:
        assert SQL in text  # stored and shown verbatim


async def test_literal_sql_and_format_fields_are_shown_verbatim(
    hostile_world: HostileWorld
) -> None:
    world = hostile_world
    template = f"{SQL} {{user.__class__}} {{0.__init__}} %s {{user}}"
    await slash(world, "customcmd create", {"name": "verbatim", "response": template})
    await world.double.send_message(world.demo.general, world.demo.member, "!verbatim")
    reply = await channel_reply(world.double, world.demo.general, timeout=TIMEOUT)
    assert reply.content == f"{SQL} {{user.__class__}} {{0.__init__}} %s alice"
