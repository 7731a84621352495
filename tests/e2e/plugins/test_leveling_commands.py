"""``/rank``, ``/leaderboard`` paging, ``/xp`` with reward roles, admin-only and bad input."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.services import xp
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.leveling import service
from plugins.leveling.models import LevelSettings, XpAdjustment
from tests.e2e.plugins.leveling_support import (
    TIMEOUT,
    manual_flushes,
    role_ids,
    slash,
    talk_and_wait,
)


async def test_rank_shows_level_progress_position_and_global(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    await slash(double, demo.guild, demo.general, demo.admin, "xp set",
                {"member": demo.members["bob"], "amount": 1000})
    await slash(double, demo.guild, demo.general, demo.admin, "xp set",
                {"member": demo.member, "amount": 400})
    earned = await talk_and_wait(double, bot, demo.general, demo.member)  # still buffered
    total = 400 + earned
    p = xp.progress(total)
    reply = await slash(double, demo.guild, demo.general, demo.member, "rank")
    assert reply.content == (
        f"**alice** is level **3** with {total:,} XP: {p.into_level}/{p.level_span} XP into "
        f"level 3, {p.remaining} XP to level 4. Rank **#2** in this server. Global level 1."
    )
    other = await slash(double, demo.guild, demo.general, demo.member, "rank",
                        {"member": demo.members["bob"]})
    assert "**bob** is level **4** with 1,000 XP" in other.content and "#1" in other.content
    assert_no_mass_mentions(double)


async def test_leaderboard_pages_with_buttons_for_the_invoker_only(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    players = []
    for i in range(22):
        member = await double.member_join(demo.guild, f"player{i:02d}")
        await service.adjust_xp(demo.guild.id, member.id, member.user.username, 1, "set",
                                1000 - i * 10)
        players.append(member.id)
    handle = await double.invoke_slash(demo.guild, demo.general, demo.member, "leaderboard")
    first = await handle.wait_response(timeout=TIMEOUT)
    lines = first.content.splitlines()
    assert lines[0] == "**Leaderboard of Guildhall Demo** (page 1)"
    assert lines[1] == "`#1` player00: level 4 (1,000 XP)" and len(lines) == 11
    message = first.message
    assert message is not None
    owner = demo.member.id
    top, tenth = players[0], players[9]
    assert message.custom_ids() == [f"lvl:lb:0:{owner}:1000:{top}:p",
                                    f"lvl:lb:2:{owner}:910:{tenth}:n"]

    intruder = await double.press_button(message, message.custom_ids()[1], demo.members["bob"])
    refusal = await intruder.wait_response(timeout=TIMEOUT)
    assert refusal.ephemeral and "Only the member who ran this leaderboard" in refusal.content
    assert message.content == first.content

    press = await double.press_button(message, message.custom_ids()[1], demo.member)
    second = await press.wait_response(timeout=TIMEOUT)
    assert second.kind == "update" and "(page 2)" in second.content
    assert second.content.splitlines()[1] == "`#11` player10: level 4 (900 XP)"
    press = await double.press_button(message, message.custom_ids()[1], demo.member)
    third = await press.wait_response(timeout=TIMEOUT)
    assert third.content.splitlines()[1:] == [
        "`#21` player20: level 4 (800 XP)", "`#22` player21: level 4 (790 XP)",
    ]
    buttons = [c for row in third.components for c in row["components"]]
    assert [b.get("disabled", False) for b in buttons] == [False, True]
    # Previous by keyset: the ten rows before player20
    press = await double.press_button(message, message.custom_ids()[0], demo.member)
    back = await press.wait_response(timeout=TIMEOUT)
    assert back.content == second.content

    far = await slash(double, demo.guild, demo.general, demo.member, "leaderboard", {"page": 9})
    assert far.ephemeral and "there is no page 9" in far.content
    bad = await slash(double, demo.guild, demo.general, demo.member, "leaderboard", {"page": 0})
    assert bad.ephemeral and "between 1" in bad.content
    assert_no_mass_mentions(double)


async def test_rewards_given_kept_or_replaced_and_follow_xp_set(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    guild, alice = demo.guild, demo.member
    bronze = double.create_role(guild, "Bronze")
    silver = double.create_role(guild, "Silver")
    owner = guild.members[guild.owner_id]  # Manage Server alone may not hand out roles
    for level, role in ((2, bronze), (3, silver)):
        reply = await slash(double, guild, demo.general, owner, "levels reward add",
                            {"level": level, "role": role})
        assert reply.content == f"Members reaching level {level} now get <@&{role.id}>."
    listing = await slash(double, guild, demo.general, demo.admin, "levels reward list")
    assert f"Level 2: <@&{bronze.id}>" in listing.content and "kept" in listing.content

    # earned by talking: level 2 gives Bronze at the flush
    await slash(double, guild, demo.general, demo.admin, "xp set",
                {"member": alice, "amount": 150})
    earned = await talk_and_wait(double, bot, demo.general, alice)
    await bot.flush()
    assert role_ids(guild, alice) == {bronze.id}

    reply = await slash(double, guild, demo.general, demo.admin, "xp set",
                        {"member": alice, "amount": 400})
    assert "(level 2 → 3)" in reply.content
    assert role_ids(guild, alice) == {bronze.id, silver.id}  # lower reward kept

    await slash(double, guild, demo.general, demo.admin, "levels reward stacking",
                {"keep_lower": False})
    await slash(double, guild, demo.general, demo.admin, "xp add",
                {"member": alice, "amount": 1})
    assert role_ids(guild, alice) == {silver.id}  # replaced

    reply = await slash(double, guild, demo.general, demo.admin, "xp remove",
                        {"member": alice, "amount": 250, "reason": "spam"})
    assert "401 → 151 XP (level 3 → 1)" in reply.content
    assert role_ids(guild, alice) == set()  # roles follow the XP down
    await slash(double, guild, demo.general, demo.admin, "xp set",
                {"member": alice, "amount": 160})
    assert role_ids(guild, alice) == {bronze.id}
    audit = await XpAdjustment.filter(guild_id=guild.id, member_id=alice.id).order_by("id")
    assert [a.delta for a in audit] == [150, 400 - 150 - earned, 1, -250, 9]
    assert audit[3].reason == "spam" and audit[3].admin_id == demo.admin.id
    assert_no_mass_mentions(double)


@pytest.mark.parametrize(
    ("command", "options"),
    [("xp set", {"amount": 5}), ("levels rates", {"xp_min": 1}), ("levels show", {}),
     ("levels reward list", {}), ("levels toggle", {"enabled": False})],
)
async def test_admin_commands_denied_to_members(
    command: str, options: dict, guildhall_bot: GuildhallBot,
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    if command.startswith("xp"):
        options = {**options, "member": demo.members["bob"]}
    reply = await slash(double, demo.guild, demo.general, demo.member, command, options)
    assert reply.content == "You need these permissions: Manage Server."
    assert reply.ephemeral
    assert await xp.member_xp(demo.guild.id, demo.members["bob"].id) == (0, 1)
    assert await LevelSettings.filter(guild_id=demo.guild.id).count() == 0
    assert (await guildhall_bot.guild_configs.get(demo.guild.id)).xp_enabled


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        ("xp set", {"amount": -5}, "the amount cannot be negative"),
        ("xp add", {"amount": -5}, "the amount cannot be negative"),
        ("xp remove", {"amount": 0}, "at least 1"),
        ("xp set", {"amount": 2_000_000_000}, "cannot exceed"),
        ("levels rates", {"xp_min": 30, "xp_max": 20}, "above the maximum"),
        ("levels rates", {"cooldown": -1}, "cooldown"),
        ("levels reward remove", {"level": 7}, "level 7 has no reward"),
        ("levels exclude", {}, "choose a channel or a role"),
    ],
)
async def test_bad_input_changes_nothing(
    command: str, options: dict, message: str, guildhall_bot: GuildhallBot,
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    bob = demo.members["bob"]
    await service.adjust_xp(demo.guild.id, bob.id, "bob", demo.admin.id, "set", 100)
    if command.startswith("xp"):
        options = {**options, "member": bob}
    reply = await slash(double, demo.guild, demo.general, demo.admin, command, options)
    assert reply.ephemeral
    assert reply.content.startswith("That input was not valid: ") and message in reply.content
    assert await xp.member_xp(demo.guild.id, bob.id) == (100, 1)
    assert await XpAdjustment.filter(guild_id=demo.guild.id).count() == 1
    assert await LevelSettings.filter(guild_id=demo.guild.id).count() == 0
    show = await slash(double, demo.guild, demo.general, demo.admin, "levels show")
    assert "15-25 XP per message, once every 60 s" in show.content
