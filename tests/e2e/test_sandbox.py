"""``guildhall sandbox --script`` as a user runs it: a subprocess, no token, fresh directory."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from core.runtime.config import Settings
from core.testing.sandbox.script import builtin_scripts

SCRIPTS = builtin_scripts()
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
    script: str, guildhall_engine: str, guildhall_settings: Settings, tmp_path: Path
) -> None:
    # a database named with --database runs no timers, so reminders deliver only on the
    # sandbox's own throwaway database (tests/e2e/test_sandbox_isolation.py covers the rest)
    named = script != "reminders"
    args = database_args(guildhall_engine, guildhall_settings) if named else []
    code, out, err, seconds = await guildhall(
        tmp_path, "sandbox", "--script", str(SCRIPTS[script]), *args
    )
    assert code == 0, out + err
    assert "Guildhall Demo" in out
    assert "alice > /ping" in out and "#general < Pong!" in out
    assert out.strip().splitlines()[-1].startswith("PASSED: ")
    if guildhall_engine == "sqlite" or not named:  # throwaway database: nothing beside config
        assert not (tmp_path / "data").exists()
    assert not (tmp_path / "data" / "guildhall.db").exists()
    # a second run on the same database starts from a clean demo guild again (economy's
    # daily claim and zero balance would fail otherwise; once per engine keeps it short)
    if script == "economy":
        again, out2, err2, _ = await guildhall(tmp_path, "sandbox", "--script", script, *args)
        assert again == 0, out2 + err2


async def test_missing_reply_fails_with_transcript(tmp_path: Path) -> None:
    script = tmp_path / "impossible.txt"
    script.write_text("> !ping\n< Pong\n> !ping\n< this reply never comes\n> /ping\n< Pong\n")
    code, out, err, seconds = await guildhall(
        tmp_path, "sandbox", "--script", str(script), "--timeout", "1"
    )
    assert code == 1, out + err
    assert "impossible.txt:4: no reply containing 'this reply never comes' within 1 s" in out
    assert "alice > /ping" not in out  # stops at the first unmet expectation
    assert out.strip().splitlines()[-1] == "FAILED: 2 step(s), 1 expectation(s) met"


async def test_unexpected_reply_to_silence_fails(tmp_path: Path) -> None:
    script = tmp_path / "silence.txt"
    script.write_text("@bob\n> !ping\n< (no reply)\n")
    code, out, _, _ = await guildhall(tmp_path, "sandbox", "--script", str(script))
    assert code == 1
    assert "silence.txt:3: expected no reply, got 'Pong!" in out


async def test_malformed_script_is_a_usage_error(tmp_path: Path) -> None:
    script = tmp_path / "broken.txt"
    script.write_text("> !ping\nping\n")
    code, out, err, _ = await guildhall(tmp_path, "sandbox", "--script", str(script))
    assert code == 2
    assert "broken.txt:2: lines start with '>', '<', '@' or '#'" in err
    assert not (tmp_path / "data").exists()  # refused before touching the database
