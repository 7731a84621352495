"""A hypothesis fuzz of every registered slash command through the double.

Each example invokes one command (chosen from what the bot registered) as the owner, an
admin, a moderator or a plain member, with option values a member could send. Whatever
the input, the member gets an answer that is not the generic "something went wrong" of
an unhandled exception, nothing shows Python internals, and nothing the bot sent could
ping @everyone, @here or a role. The bigger run: ``python -m tests.bench.fuzz_commands``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.security.hostile import (
    TIMEOUT,
    HostileWorld,
    SlashCommand,
    fuzz_settings,
    hostile_world,
    mass_mention_problems,
    options_for,
    output_problems,
    registered_commands,
    shown_texts,
)

__all__ = ["hostile_world"]
pytestmark = pytest.mark.reliability

FUZZ = fuzz_settings(300)


def typed_strings(options: dict) -> list[str]:
    """The string values the member typed (they may be echoed back verbatim)."""
    return [v for v in options.values() if isinstance(v, str)]


async def invoke_hostile(world: HostileWorld, command: SlashCommand, invoker_index: int,
                         options: dict) -> list[str]:
    """Invoke ``command`` and return the problems seen in the answer."""
    world.restore()
    invoker = world.invokers()[invoker_index % len(world.invokers())]
    handle = await world.double.invoke_slash(
        world.guild, world.demo.general, invoker, command.name, options,
        register_timeout=TIMEOUT,
    )
    reply = await handle.wait_response(timeout=TIMEOUT)
    texts = [t for r in handle.replies for t in shown_texts(r)] or shown_texts(reply)
    problems = output_problems(texts, typed_strings(options))
    return [f"/{command.name} {options!r}: {p}" for p in problems]


@FUZZ
@given(data=st.data())
async def test_every_command_survives_hostile_options(
    hostile_world: HostileWorld, data: st.DataObject
) -> None:
    world = hostile_world
    commands = registered_commands(world.double, world.guild)
    assert len(commands) >= 30, [c.name for c in commands]
    command = data.draw(st.sampled_from(commands), label="command")
    invoker = data.draw(st.integers(0, 10), label="invoker")
    options = data.draw(options_for(world, command), label="options")
    problems = await invoke_hostile(world, command, invoker, options)
    problems += mass_mention_problems(world.double)
    assert not problems, "\n".join(problems)


async def test_each_command_answers_the_most_hostile_values(hostile_world: HostileWorld) -> None:
    """Deterministic sweep: every command once, with its options at the hostile extremes."""
    world = hostile_world
    role = f"<@&{world.mod_role.id}>"
    nasty = f"@everyone @here {role} {{user.__class__}} {{0.__init__}} '; DROP TABLE users; --"
    problems: list[str] = []
    commands = registered_commands(world.double, world.guild)
    for command in commands:
        options = {}
        for option in command.options:
            if option.get("choices"):
                options[option["name"]] = option["choices"][-1]["value"]
            elif option["type"] == 3:
                options[option["name"]] = (nasty * 100)[: int(option.get("max_length", 6000))]
            elif option["type"] in (4, 10):
                options[option["name"]] = option.get("max_value", 2**53)
        if any(o.get("required") and o["name"] not in options for o in command.options):
            continue  # needs a user/role/channel: covered by the fuzz
        for invoker in (1, 3):  # the admin and a plain member
            problems += await invoke_hostile(world, command, invoker, options)
    problems += mass_mention_problems(world.double)
    assert not problems, "\n".join(problems)
    print(f"\nswept {len(commands)} commands with maximal hostile values")
