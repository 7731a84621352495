"""The interactive ``guildhall sandbox`` at a real terminal (a PTY, no tmux).

Line editing, history, Tab completion, the ``key=value`` rule, groups typed alone,
``:commands``, replies with names and dates instead of markup, Ctrl-D and Ctrl-C.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.testing.bot_fixtures import profile_environment
from tests.e2e.terminal import BACKSPACE, CTRL_C, CTRL_D, ENTER, LEFT, TAB, UP, Terminal

HIDDEN_ENV = ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL", "GUILDHALL_CONFIG")
PROMPT = "alice>"  # the space after it is drawn as a cursor move


@pytest.fixture
def sandbox_terminal(guildhall_profile: str | None, tmp_path: Path) -> Iterator[Terminal]:
    """``guildhall sandbox`` started at a terminal, its first prompt shown."""
    env = {k: v for k, v in os.environ.items()
           if k not in HIDDEN_ENV and not k.startswith("GUILDHALL_")}
    env.update(profile_environment(guildhall_profile))
    terminal = Terminal([sys.executable, "-c", "from core.cli import main; main()", "sandbox"],
                        tmp_path, env)
    try:
        terminal.expect(PROMPT)
        yield terminal
    finally:
        terminal.close()


def test_editing_history_completion_quoting_and_rendering(sandbox_terminal: Terminal) -> None:
    term = sandbox_terminal
    term.type("/ping" + ENTER)
    term.expect("Pong! (gateway latency")
    term.expect_prompt_after("Pong! (gateway latency", PROMPT)

    # Up recalls the previous line, which runs again (no "^[[A" typed into the line)
    term.type(UP + ENTER)
    term.expect("Pong! (gateway latency", count=2)
    term.expect_prompt_after("Pong! (gateway latency", PROMPT)
    # editing: "/pXing", three steps left, the X deleted: "/ping"
    term.type("/pXing" + LEFT * 3 + BACKSPACE + ENTER)
    term.expect("Pong! (gateway latency", count=3)
    term.expect_prompt_after("Pong! (gateway latency", PROMPT)
    assert "^[[A" not in term.screen and "no command 'pXing'" not in term.screen

    # Tab completes a command, an option name and a member
    term.type("/bala" + TAB + " mem" + TAB + "@bo" + TAB + ENTER)
    term.expect("@bob has 0")
    term.expect_prompt_after("@bob has 0", PROMPT)
    # ... and a subcommand
    term.type("/stats m" + TAB + ENTER)
    term.expect("You used")
    term.expect_prompt_after("You used", PROMPT)

    # a group alone lists its subcommands; :commands lists every runnable path
    term.type("/customcmd" + ENTER)
    term.expect("/customcmd needs a subcommand:")
    term.expect("/customcmd create name=… response=…")
    term.expect_prompt_after("/customcmd create name=… response=…", PROMPT)
    term.type(":commands" + ENTER)
    term.expect("/warn member=… reason=…")
    term.expect("/customcmd delete name=…")
    term.expect_prompt_after("/customcmd delete name=…", PROMPT)

    # the last option takes the rest of the line; mentions read as names
    term.type("@mod" + ENTER)
    term.expect("mod>")
    term.type("/warn member=@carol reason=spamming links" + ENTER)
    term.expect("Case #1: warned **carol**")
    term.expect_prompt_after("Case #1: warned **carol**", "mod>")
    term.type("/case number=1" + ENTER)
    term.expect("Warning of @carol by @mod: spamming links")
    term.expect_prompt_after("Warning of @carol by @mod: spamming links", "mod>")
    # timestamps read as dates and relative times
    term.type('/remind when=1h text="stretch"' + ENTER)
    term.expect(re.compile(r"Reminder `#1` set for \d\d \w+ 20\d\d \d\d:\d\d "
                           r"\(in (59 minutes|1 hour)\)"))
    term.expect("Recorded ")
    term.expect_prompt_after("Recorded ", "mod>")
    assert "<t:" not in term.screen and "<@" not in term.screen
    assert "has no subcommand" not in term.screen

    term.type(CTRL_D)
    assert term.wait_exit() == 0
    assert "stopping the sandbox" in term.screen


def test_ctrl_c_quits_without_enter(sandbox_terminal: Terminal) -> None:
    term = sandbox_terminal
    term.type("/pin")  # a half-typed line: Ctrl-C does not wait for Enter
    term.expect("/pin")
    term.type(CTRL_C)
    assert term.wait_exit() == 0
    assert "stopping the sandbox" in term.screen
