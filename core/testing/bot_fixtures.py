"""Test-kit fixtures: a real GuildhallBot against the Discord double, on the test database.

Fixtures (exposed by the ``guildhall`` pytest plugin):
    guildhall_double: a started :class:`DiscordDouble` (2 shards, fast timings).
    guildhall_demo: the demo world in that double (:class:`DemoWorld`): "Guildhall Demo"
        on shard 0 with #general, ``admin`` (Manage Server) and ``alice``/``bob``/``carol``;
        "Guildhall Annex" on shard 1.
    guildhall_profile: the ``[bot] profile`` of the test's bots: its parameter when the
        test runs under several (:func:`parametrize_profiles`), else
        ``$GUILDHALL_TEST_PROFILE``, else ``None`` (the settings').
    guildhall_start_bot: ``await guildhall_start_bot(cogs=[...], **bot_options)`` builds
        and starts a GuildhallBot under ``guildhall_profile``; build your own world in the
        double first.
    guildhall_bot: a started GuildhallBot that sees the demo world.

The bot runs with the enabled ``guildhall_plugins`` on the ``guildhall_db`` database,
so every test using these fixtures runs on SQLite and PostgreSQL. Bots are closed (and
their buffers flushed) after the test, before the database closes.

Helpers: :func:`assert_no_mass_mentions` (no bot message could ping @everyone, @here or a
role), :func:`eventually` (poll until a condition holds) and :func:`parametrize_profiles`
(call it from a conftest's ``pytest_generate_tests``: every test there that starts a bot
runs under each profile).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import disnake
import pytest
from disnake.ext import commands

from core.bot.guildhall_bot import GuildhallBot
from core.runtime.assembly import Runtime
from core.runtime.config import BotSettings, Settings
from core.testing.databases import ENGINES
from core.testing.double import DiscordDouble, RecordedRequest, RunningClient, run_client
from core.testing.double.messaging import LOADING
from core.testing.double.state import Channel, Message
from core.testing.sandbox.session import settings_for_double
from core.testing.sandbox.world import DemoWorld, build_demo_world

__all__ = [
    "FAST_DOUBLE",
    "StartBot",
    "assert_no_mass_mentions",
    "channel_reply",
    "eventually",
    "guildhall_bot",
    "guildhall_demo",
    "guildhall_double",
    "guildhall_profile",
    "guildhall_start_bot",
    "mention_problems",
    "parametrize_profiles",
    "profile_environment",
    "settings_for_double",
]

T = TypeVar("T")
# run every test's bot under this [bot] profile, e.g. GUILDHALL_TEST_PROFILE=large
PROFILE_VARIABLE = "GUILDHALL_TEST_PROFILE"
PROFILES = ("default", "large")
# the engine every profile after the first runs on: a profile is the bot's caches and
# intents, not the database's concern, and an e2e test costs about a fifth of its
# PostgreSQL time on SQLite (a fresh database per test)
PROFILE_ENGINE = "sqlite"
FAST_DOUBLE: dict[str, Any] = {
    "shard_count": 2,
    "heartbeat_interval_ms": 1000,
    "identify_window": 0.05,
    "resume_timeout": 10.0,
}
CogSpec = commands.Cog | Callable[[GuildhallBot], commands.Cog]
StartBot = Callable[..., Awaitable[GuildhallBot]]
MESSAGE_KEYS = ("content", "embeds", "components", "attachments", "poll")


@pytest.fixture
async def guildhall_double() -> AsyncIterator[DiscordDouble]:
    """A started Discord double: 2 shards, 1 s heartbeats, short identify window."""
    previous = disnake.http.Route.BASE
    double = await DiscordDouble(**FAST_DOUBLE).start()
    try:
        yield double
    finally:
        await double.close()
        disnake.http.Route.BASE = previous
    assert_contract_kept(double)


def assert_contract_kept(double: DiscordDouble) -> None:
    """Fail the test when the bot sent a request breaking Discord's contract (400/50035)."""
    if double.contract_violations:
        pytest.fail(
            "requests breaking Discord's API contract (answered 400/50035):\n"
            + "\n".join(double.contract_violations),
            pytrace=False,
        )


@pytest.fixture
def guildhall_demo(guildhall_double: DiscordDouble) -> DemoWorld:
    """The demo guilds and members, created in ``guildhall_double`` before any bot starts."""
    return build_demo_world(guildhall_double)


@pytest.fixture
def guildhall_profile(request: pytest.FixtureRequest) -> str | None:
    """The ``[bot] profile`` the test's bots run under: the test's parameter
    (:func:`parametrize_profiles`), else ``$GUILDHALL_TEST_PROFILE``, else ``None``
    (whatever the settings say)."""
    return getattr(request, "param", None) or os.environ.get(PROFILE_VARIABLE) or None


@pytest.fixture
async def guildhall_start_bot(
    guildhall_db: Runtime, guildhall_double: DiscordDouble, guildhall_profile: str | None
) -> AsyncIterator[StartBot]:
    """Factory: ``await guildhall_start_bot(cogs=(), profile=None, **bot_options)`` -> a
    ready bot.

    ``cogs`` are extra cogs (instances, or callables taking the bot) added before the bot
    connects, so their slash commands are registered. ``profile`` is the ``[bot] profile``
    (default: ``guildhall_profile``). ``bot_options`` go to disnake.
    """
    running: list[RunningClient] = []

    async def start(cogs: Iterable[CogSpec] = (), profile: str | None = None,
                    **bot_options: Any) -> GuildhallBot:
        bot_options.setdefault("guild_ready_timeout", 0.1)
        settings = with_profile(settings_for_double(guildhall_db.settings, guildhall_double),
                                profile or guildhall_profile)
        bot = GuildhallBot(settings, guildhall_db.plugins, **bot_options)
        for cog in cogs:
            bot.add_cog(cog if isinstance(cog, commands.Cog) else cog(bot))
        running.append(await run_client(bot, guildhall_double))
        return bot

    yield start
    for runner in reversed(running):
        error = await runner.stop()
        if error is not None and not isinstance(error, asyncio.CancelledError):
            raise error


@pytest.fixture
async def guildhall_bot(guildhall_demo: DemoWorld, guildhall_start_bot: StartBot) -> GuildhallBot:
    """A ready GuildhallBot connected to the double, seeing the demo world."""
    return await guildhall_start_bot()


# -- helpers -------------------------------------------------------------------------------


def parametrize_profiles(metafunc: pytest.Metafunc, profiles: Sequence[str] = PROFILES) -> None:
    """Run the test once per ``[bot] profile``; call it from ``pytest_generate_tests``
    (``@pytest.hookimpl(tryfirst=True)``, so the engines are paired here, not multiplied).

    Only tests using ``guildhall_profile`` (every test starting a bot, through
    ``guildhall_start_bot``) are multiplied. The first profile runs as before (on SQLite and
    PostgreSQL when the test uses ``guildhall_engine``, ids ``[sqlite]``/``[postgres]``);
    each other profile once more on SQLite (``[sqlite-large]``), or once per the test's
    own engine parameter. Nothing changes when
    ``$GUILDHALL_TEST_PROFILE`` names one profile for the whole run, or when the test
    parametrizes ``guildhall_profile`` itself.
    """
    if "guildhall_profile" not in metafunc.fixturenames or os.environ.get(PROFILE_VARIABLE):
        return
    chosen = {name for mark in metafunc.definition.iter_markers("parametrize")
              for name in _argnames(mark.args[0])}
    if "guildhall_profile" in chosen:
        return
    first, *others = profiles
    if "guildhall_engine" in metafunc.fixturenames and "guildhall_engine" not in chosen:
        cases = [pytest.param(engine, first, id=engine) for engine in ENGINES]
        cases += [pytest.param(PROFILE_ENGINE, profile, id=f"{PROFILE_ENGINE}-{profile}")
                  for profile in others]
        mark = pytest.mark.parametrize(("guildhall_engine", "guildhall_profile"), cases,
                                       indirect=True)
    else:
        mark = pytest.mark.parametrize("guildhall_profile", list(profiles), indirect=True)
    metafunc.definition.add_marker(mark)


def profile_environment(profile: str | None) -> dict[str, str]:
    """The environment giving a ``guildhall`` process (sandbox, launcher) ``profile``."""
    return {"GUILDHALL_BOT__PROFILE": profile} if profile else {}


def _argnames(names: str | Sequence[str]) -> list[str]:
    """The argument names of a ``parametrize`` mark ("a,b", "a, b" or a sequence)."""
    if isinstance(names, str):
        return [name.strip() for name in names.split(",")]
    return list(names)


def with_profile(settings: Settings, profile: str | None) -> Settings:
    """``settings`` with ``[bot] profile`` set to ``profile`` (validated; ``None`` keeps it)."""
    if profile is None:
        return settings
    bot = BotSettings.model_validate({**settings.bot.model_dump(), "profile": profile})
    return settings.model_copy(update={"bot": bot})


def _message_bodies(request: RecordedRequest) -> Iterator[dict[str, Any]]:
    body = request.json
    if not isinstance(body, dict):
        return
    for part in (body, body.get("data")):
        if isinstance(part, dict) and (
            "allowed_mentions" in part or any(key in part for key in MESSAGE_KEYS)
        ):
            yield part


def _unsafe(allowed: Any, where: str, content: str | None) -> list[str]:
    if not isinstance(allowed, dict):
        return [f"{where}: no allowed_mentions (content {content!r})"]
    problems = []
    parse = allowed.get("parse") or []
    if "everyone" in parse or "roles" in parse:
        problems.append(f"{where}: allowed_mentions parses {parse}")
    if allowed.get("roles"):
        problems.append(f"{where}: allowed_mentions allows roles {allowed['roles']}")
    return problems


def mention_problems(double: DiscordDouble) -> tuple[int, list[str]]:
    """Check what the bot sent; return (bodies and messages checked, problems found).

    Looks at every recorded request with a JSON message body and at every message the
    bot created (which also covers a request still in flight). One is unsafe when it
    has no ``allowed_mentions`` (Discord then parses @everyone/@here and roles) or when
    it allows ``everyone`` or any role.
    """
    checked, problems = 0, []
    for request in double.requests:
        for body in _message_bodies(request):
            checked += 1
            where = f"{request.method} {request.path}"
            problems += _unsafe(body.get("allowed_mentions"), where, body.get("content"))
    for messages in double.world.messages.values():
        for msg in messages:
            if msg.author.id != double.bot_user.id or msg.flags & LOADING:
                continue
            checked += 1
            where = f"message {msg.id} in channel {msg.channel_id}"
            problems += _unsafe(msg.allowed_mentions, where, msg.content)
    return checked, problems


def assert_no_mass_mentions(double: DiscordDouble, *, min_checked: int = 1) -> int:
    """Assert nothing the bot sent could ping @everyone, @here or a role.

    Checks every recorded request with a JSON message body (messages, edits, interaction
    responses, follow-ups) and every message the bot created. Fails too when fewer than
    ``min_checked`` were seen, so it never passes vacuously. Returns the number checked.
    """
    checked, problems = mention_problems(double)
    assert not problems, "unsafe allowed_mentions:\n  " + "\n  ".join(problems)
    assert checked >= min_checked, f"only {checked} bot messages recorded (< {min_checked})"
    return checked


async def channel_reply(
    double: DiscordDouble, channel: Channel, *, timeout: float = 5.0  # noqa: ASYNC109
) -> Message:
    """The next message the bot posted in ``channel`` itself (not an interaction response).

    Each message is returned once; raises ``TimeoutError`` when none comes in ``timeout``.
    """
    return await double.wait_for_message(
        channel, check=lambda msg: msg.interaction is None, timeout=timeout
    )


async def eventually(
    check: Callable[[], Awaitable[T] | T],
    *,
    timeout: float = 5.0,  # noqa: ASYNC109
    interval: float = 0.05,
    message: str = "condition not met",
) -> T:
    """Call ``check`` (sync or async) until it returns a truthy value, and return that value.

    Raises ``AssertionError`` with ``message`` and the last value after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} within {timeout} s (last value: {value!r})")
        await asyncio.sleep(interval)
