"""``guildhall sandbox --script`` as a user runs it: a subprocess, no token, fresh directory."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path

import pytest

from core.runtime.config import Settings
from core.testing.bot_fixtures import profile_environment
from core.testing.sandbox.script import builtin_scripts

SCRIPTS = builtin_scripts()
# scripts whose reminders must be delivered: a database named with --database runs no
# timers, so they run on the sandbox's own throwaway database
DELIVERING = {"demo", "reminders"}
# the demo's tour: one line of its transcript per plugin step, as a person reads it
DEMO_TOUR = {
    "leveling": ["admin > /xp add member=@alice amount=150",
                 "#general < GG @alice, you reached **level 2**!",
                 "#general < **alice** is level **2** with 170 XP"],
    "economy": ["#general < You claimed 100", "#general < Sent 40 🪙 to @bob.",
                "#general < @alice has 60 🪙.", "#general < @bob has 40 🪙."],
    "moderation": ["admin > /warn member=@carol reason=spamming links",
                   "#general < You need these permissions: Timeout Members.",
                   "mod > /warn member=@carol reason=spamming links",
                   "#general < Case #1: warned **carol** (warning #1).",
                   "#general < Case #1 · Warning of @carol by @mod: spamming links"],
    "reminders": ["alice > /remind when=3s text=stretch your legs",
                  "#general < @alice reminder: stretch your legs"],
    "customcmds": ["#general < Created custom command `rules`.",
                   "bob > !rules", "#general < Be kind, bob. Questions go to #general."],
    "welcome": ["#general < New members will be welcomed in #general.",
                "#general < Welcome to Guildhall Demo, @admin!"],
    "analytics": ["admin > /stats me", "#general < You used "],
    # what members expect: help, prefix forms, their language
    "help": ["alice > /help command=transfer", "#general < /transfer | Give some of your coins",
             "Prefix form: `!transfer <member> <amount>`"],
    "prefix": ["bob > !balance"],
    "german": ["lena > /balance", "#general < @lena hat 0 🪙."],
}
HIDDEN_ENV = ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL", "GUILDHALL_CONFIG")


async def guildhall(cwd: Path, *args: str, **env: str) -> tuple[int, str, str, float]:
    """Run the ``guildhall`` CLI in ``cwd``; return (exit code, stdout, stderr, seconds)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in HIDDEN_ENV and not k.startswith("GUILDHALL_")
    }
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from core.cli import main; main()", *args,
        cwd=cwd, env={**clean, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 180)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode(), time.monotonic() - started


def database_args(engine: str, settings: Settings) -> list[str]:
    """SQLite: the sandbox's own throwaway database; PostgreSQL: the test DB, named."""
    if engine == "sqlite":
        return []
    return ["--database", settings.database.url.get_secret_value()]


@pytest.mark.parametrize("script", sorted(SCRIPTS), ids=str)
async def test_builtin_script_passes(
    script: str, guildhall_engine: str, guildhall_settings: Settings,
    guildhall_profile: str | None, tmp_path: Path
) -> None:
    # a database named with --database runs no timers, so reminders deliver only on the
    # sandbox's own throwaway database (tests/e2e/test_sandbox_isolation.py covers the rest)
    named = script not in DELIVERING
    args = database_args(guildhall_engine, guildhall_settings) if named else []
    profile = profile_environment(guildhall_profile)
    code, out, err, seconds = await guildhall(
        tmp_path, "sandbox", "--script", str(SCRIPTS[script]), "--timeout", "60", *args,
        **profile
    )
    assert code == 0, out + err
    assert "Guildhall Demo" in out
    assert "alice > /ping" in out and "#general < Pong!" in out
    assert out.strip().splitlines()[-1].startswith("PASSED: ")
    if script == "demo":
        assert_demo_tour(out)
    if guildhall_engine == "sqlite" or not named:  # throwaway database: nothing beside config
        assert not (tmp_path / "data").exists()
    assert not (tmp_path / "data" / "guildhall.db").exists()
    # a second run on the same database starts from a clean demo guild again (economy's
    # daily claim and zero balance would fail otherwise; once per engine keeps it short)
    if script == "economy":
        again, out2, err2, _ = await guildhall(tmp_path, "sandbox", "--script", script, *args,
                                               **profile)
        assert again == 0, out2 + err2


def assert_demo_tour(out: str) -> None:
    """Every plugin's step is in the demo's transcript, with names and dates, no markup."""
    enabled = next(line for line in out.splitlines() if "plugins: " in line)
    plugins = set(enabled.split("plugins: ")[1].split(", "))
    assert set(DEMO_TOUR) - {"help", "prefix", "german"} <= plugins
    for plugin, lines in DEMO_TOUR.items():
        for line in lines:
            assert line in out, f"{plugin}: {line!r} not in the demo transcript:\n{out}"
    when = r"\d\d \w+ 20\d\d \d\d:\d\d \((in \d+ seconds?|now|\d+ seconds? ago)\)"
    assert re.search(r"Reminder `#1` set for " + when, out), out
    assert "<@" not in out and "<t:" not in out and "<#" not in out
    pongs = re.findall(r"Pong! \(gateway latency (\d+) ms\)", out)
    assert len(pongs) == 2 and "'warn' has no subcommand" not in out


async def test_missing_reply_fails_with_transcript(
    guildhall_profile: str | None, tmp_path: Path
) -> None:
    script = tmp_path / "impossible.txt"
    script.write_text("> !ping\n< Pong\n> !ping\n< this reply never comes\n> /ping\n< Pong\n")
    code, out, err, seconds = await guildhall(
        tmp_path, "sandbox", "--script", str(script), "--timeout", "1",
        **profile_environment(guildhall_profile)
    )
    assert code == 1, out + err
    assert "impossible.txt:4: no reply containing 'this reply never comes' within 1 s" in out
    assert "alice > /ping" not in out  # stops at the first unmet expectation
    assert out.strip().splitlines()[-1] == "FAILED: 2 step(s), 1 expectation(s) met"


async def test_unexpected_reply_to_silence_fails(
    guildhall_profile: str | None, tmp_path: Path
) -> None:
    script = tmp_path / "silence.txt"
    script.write_text("@bob\n> !ping\n< (no reply)\n")
    code, out, _, _ = await guildhall(tmp_path, "sandbox", "--script", str(script),
                                      **profile_environment(guildhall_profile))
    assert code == 1
    assert "silence.txt:3: expected no reply, got 'Pong!" in out


async def test_malformed_script_is_a_usage_error(tmp_path: Path) -> None:
    script = tmp_path / "broken.txt"
    script.write_text("> !ping\nping\n")
    code, out, err, _ = await guildhall(tmp_path, "sandbox", "--script", str(script))
    assert code == 2
    assert "broken.txt:2: lines start with '>', '<', '@' or '#'" in err
    assert not (tmp_path / "data").exists()  # refused before touching the database
