"""Sandbox replies read as a person reads them: names for mentions, dates for timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.testing.double import DiscordDouble
from core.testing.double.state import Message
from core.testing.sandbox.markup import Names, humanize, relative, timestamp
from core.testing.sandbox.replies import ReplyFeed
from core.testing.sandbox.world import add_moderator, build_demo_world

NOW = 1_800_000_000.0


@pytest.fixture
def names() -> Names:
    return Names(users={1: "alice", 2: "Bob the Builder"}, roles={3: "Moderator"},
                 channels={4: "general"})


def test_mentions_become_names(names: Names) -> None:
    text = "GG <@1>, <@!2> and <@&3> in <#4>; <@99> <@&98> <#97>"
    assert humanize(text, names, lambda: NOW) == (
        "GG @alice, @Bob the Builder and @Moderator in #general; "
        "@unknown-user @unknown-role #unknown-channel")


def test_commands_and_emojis_become_their_names(names: Names) -> None:
    assert humanize("use </remind:123> <:party:456> <a:wave:789>", names, lambda: NOW) == \
        "use /remind :party: :wave:"


def test_timestamps_every_style(names: Names) -> None:
    unix = int(NOW) + 90
    local = datetime.fromtimestamp(unix, UTC).astimezone()
    text = " | ".join(f"<t:{unix}:{s}>" for s in "tTdDfFR") + f" | <t:{unix}>"
    rendered = humanize(text, names, lambda: NOW).split(" | ")
    assert rendered == [
        local.strftime("%H:%M"), local.strftime("%H:%M:%S"), local.strftime("%d/%m/%Y"),
        local.strftime("%d %B %Y"), local.strftime("%d %B %Y %H:%M"),
        local.strftime("%A, %d %B %Y %H:%M"), "in 1 minute", local.strftime("%d %B %Y %H:%M"),
    ]
    assert "<t:" not in humanize(text, names, lambda: NOW)


@pytest.mark.parametrize(("seconds", "text"), [
    (0.4, "now"), (2, "in 2 seconds"), (-1, "1 second ago"), (3599, "in 59 minutes"),
    (3600, "in 1 hour"), (-2 * 86400, "2 days ago"), (400 * 86400, "in 1 year"),
])
def test_relative_times(seconds: float, text: str) -> None:
    assert relative(seconds) == text


def test_out_of_range_timestamp_stays_readable() -> None:
    assert timestamp(10**13, "f", NOW) == f"<t:{10**13}>"


def test_demo_world_names_nicknames_first() -> None:
    double = DiscordDouble()
    demo = build_demo_world(double)
    mod = add_moderator(double, demo)
    demo.member.nick = "Alice A."
    names = Names.of(double.world, demo.guild)
    text = f"<@{demo.member.id}> <@{mod.id}> <@&{mod.roles[0]}> <#{demo.general.id}>"
    assert humanize(text, names, lambda: NOW) == "@Alice A. @mod @Moderator #general"


def test_feed_shows_rendered_text_and_keeps_the_markup() -> None:
    double = DiscordDouble()
    demo = build_demo_world(double)
    feed = ReplyFeed(double)
    double.bot_messages.push(Message(id=1, channel_id=demo.general.id, guild_id=demo.guild.id,
                                     author=double.bot_user,
                                     content=f"GG <@{demo.member.id}> <t:{int(NOW)}:d>"))
    [reply] = feed.poll()
    assert reply.text.startswith("GG @alice ") and "<t:" not in reply.text
    assert reply.raw == f"GG <@{demo.member.id}> <t:{int(NOW)}:d>"
    assert reply.contains("GG @alice") and reply.contains(f"<@{demo.member.id}>")
