"""Who may act on whom, on real disnake objects (``tests.disnake_offline``): every
refusal, its exact text, the limits."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import disnake
import pytest

from core.testing.double import permissions as P
from core.testing.double.payloads import member_json
from core.testing.double.state import Guild, Member, Role, User
from plugins.moderation import checks
from plugins.moderation.checks import Refusal
from plugins.moderation.texts import TEXTS
from tests.disnake_offline import parse_guild, parse_user

GUILD, OTHER_GUILD, BOT = 1000, 2000, 99
OWNER, MOD, PEER, JUNIOR, HELPER, STRANGER = 1, 2, 3, 4, 5, 6
MOD_ROLE, JUNIOR_ROLE, BOT_ROLE, MUTE_ROLE, HELPER_ROLE, HIGH_ROLE = 11, 13, 14, 15, 16, 17


def world(bot_permissions: int = P.KICK_MEMBERS | P.BAN_MEMBERS | P.MANAGE_ROLES,
          guild_id: int = GUILD, mute_position: int = 1) -> disnake.Guild:
    """A guild: the owner; a moderator and a peer holding the same role (position 3); a
    junior (1); a helper with no permission but a role named "Helpers" (2); the bot's
    role at 5. (disnake breaks ties in position by id, so "equal" means the same role.)"""
    return parse_guild(world_state(bot_permissions, guild_id, mute_position), BOT)


def world_state(bot_permissions: int = P.KICK_MEMBERS | P.BAN_MEMBERS | P.MANAGE_ROLES,
                guild_id: int = GUILD, mute_position: int = 1) -> Guild:
    """The guild of :func:`world` in the double's model (before disnake parses it)."""
    g = Guild(guild_id, "Demo", owner_id=OWNER)
    for role in (Role(guild_id, guild_id, "@everyone", P.DEFAULT_EVERYONE, 0),
                 Role(MOD_ROLE, guild_id, "Mods", P.KICK_MEMBERS | P.BAN_MEMBERS, 3),
                 Role(JUNIOR_ROLE, guild_id, "Juniors", 0, 1),
                 Role(HELPER_ROLE, guild_id, "Helpers", 0, 2),
                 Role(MUTE_ROLE, guild_id, "Muted", 0, mute_position),
                 Role(HIGH_ROLE, guild_id, "High", 0, 6),
                 Role(BOT_ROLE, guild_id, "Guildhall", bot_permissions, 5, managed=True,
                      bot_id=BOT)):
        g.roles[role.id] = role
    members = {OWNER: [], MOD: [MOD_ROLE], PEER: [MOD_ROLE], JUNIOR: [JUNIOR_ROLE],
               HELPER: [HELPER_ROLE], BOT: [BOT_ROLE]}
    for user_id, roles in members.items():
        name = "*Peer* @everyone" if user_id == PEER else f"user{user_id}"
        g.members[user_id] = Member(User(user_id, name, bot=user_id == BOT), guild_id, roles)
    return g


class MemberLookups:
    """Discord's member lookup (``GET /guilds/{guild}/members/{user}``) answered from the
    double's guild: the member's payload, or 404 Unknown Member; each lookup recorded."""

    def __init__(self, guild: Guild) -> None:
        self.guild = guild
        self.asked: list[int] = []

    async def get_member(self, guild_id: int, member_id: int) -> dict[str, Any]:
        self.asked.append(member_id)
        found = self.guild.members.get(member_id) if guild_id == self.guild.id else None
        if found is None:
            raise disnake.NotFound(SimpleNamespace(status=404, reason="Not Found"),
                                   {"code": 10007, "message": "Unknown Member"})
        return member_json(found)


def looked_up(members_cached: bool) -> tuple[disnake.Guild, MemberLookups]:
    """:func:`world` whose member lookups go to :class:`MemberLookups`; without
    ``members_cached``, as the large profile sees it (only the bot cached, not chunked)."""
    state = world_state()
    g = parse_guild(state, BOT, members_cached=members_cached)
    lookups = MemberLookups(state)
    g._state.http = lookups  # type: ignore[assignment]
    return g, lookups


def member(guild: disnake.Guild, user_id: int) -> disnake.Member:
    """A member of ``guild`` (present by construction)."""
    found = guild.get_member(user_id)
    assert found is not None
    return found


def bot_with_roles(roles: dict[str, str]) -> Any:
    """What the checks read of the bot: the moderation plugin's ``permission_roles``."""
    settings = SimpleNamespace(permission_roles=roles)
    return SimpleNamespace(plugins=SimpleNamespace(plugin_settings={"moderation": settings}))


def refusal(call: Any, *args: Any) -> str:
    """The text of the :class:`Refusal` the check raises."""
    with pytest.raises(Refusal) as caught:
        call(*args)
    return str(caught.value)


# -- require_permission ------------------------------------------------------------------

async def test_the_permission_itself_is_enough() -> None:
    g = world()
    checks.require_permission(member(g, MOD), "kick_members")
    checks.require_permission(member(g, OWNER), "ban_members")  # the owner has every one


async def test_without_the_permission_the_refusal_names_it() -> None:
    g = world()
    assert refusal(checks.require_permission, member(g, JUNIOR), "kick_members") == (
        "You need these permissions: Kick Members.")
    assert refusal(checks.require_permission, member(g, JUNIOR), "kick_members",
                   bot_with_roles({})) == "You need these permissions: Kick Members."


async def test_a_user_outside_any_guild_is_refused() -> None:
    g = world()
    user = parse_user(g, User(STRANGER, "stranger"))
    assert refusal(checks.require_permission, user, "manage_guild") == (
        "You need these permissions: Manage Server.")


async def test_the_configured_role_stands_in_for_the_permission() -> None:
    g = world()
    bot = bot_with_roles({"kick_members": "HELPERS"})  # compared case-insensitively
    checks.require_permission(member(g, HELPER), "kick_members", bot)
    assert refusal(checks.require_permission, member(g, JUNIOR), "kick_members", bot) == (
        "You need these permissions: Kick Members (or the HELPERS role).")
    assert refusal(checks.require_permission, member(g, HELPER), "ban_members", bot) == (
        "You need these permissions: Ban Members.")  # the role maps only its permission


async def test_permission_roles_of_a_bot_without_the_setting_are_empty() -> None:
    assert checks.permission_roles(None) == {}
    assert checks.permission_roles(SimpleNamespace(plugins=None)) == {}
    assert checks.permission_roles(bot_with_roles({"ban_members": "Mods"})) == {
        "ban_members": "Mods"}
    unset = SimpleNamespace(plugins=SimpleNamespace(
        plugin_settings={"moderation": SimpleNamespace(permission_roles=None)}))
    assert checks.permission_roles(unset) == {}


# -- guild_member / as_member ------------------------------------------------------------

async def test_a_target_is_taken_as_this_guilds_member() -> None:
    g, other = world(), world(guild_id=OTHER_GUILD)
    assert checks.guild_member(g, member(g, JUNIOR)) is member(g, JUNIOR)
    # the same user resolved in another guild: this guild's member object
    assert checks.guild_member(g, member(other, JUNIOR)) is member(g, JUNIOR)
    assert checks.as_member(g, member(other, JUNIOR)) is member(g, JUNIOR)


async def test_someone_who_is_not_a_member_is_refused_by_a_safe_name() -> None:
    g = world()
    stranger = parse_user(g, User(STRANGER, "@everyone *x*"))
    assert checks.as_member(g, stranger) is None
    text = refusal(checks.guild_member, g, stranger)
    assert text == "@\u200beveryone \\*x\\* is not a member of this server."


# -- fetched_member ------------------------------------------------------------------------

async def test_a_member_the_cache_does_not_hold_is_fetched_so_their_rank_counts() -> None:
    g, lookups = looked_up(members_cached=False)
    assert g.get_member(PEER) is None and not g.chunked
    author = await checks.fetched_member(g, parse_user(g, User(MOD, "user2")))
    peer = await checks.fetched_member(g, parse_user(g, User(PEER, "peer")))
    assert isinstance(peer, disnake.Member) and [r.id for r in peer.roles[1:]] == [MOD_ROLE]
    assert isinstance(author, disnake.Member)
    assert "highest role is equal to or above yours" in refusal(
        checks.check_target, g, author, peer)  # the same role as the moderator's
    assert lookups.asked == [MOD, PEER]


async def test_someone_who_is_not_a_member_is_looked_up_and_taken_as_the_user() -> None:
    g, lookups = looked_up(members_cached=False)
    stranger = parse_user(g, User(STRANGER, "stranger"))
    assert await checks.fetched_member(g, stranger) is stranger  # 404: not a member
    assert lookups.asked == [STRANGER]


async def test_a_member_at_hand_or_a_full_cache_needs_no_lookup() -> None:
    g, lookups = looked_up(members_cached=False)
    resolved = await g.fetch_member(PEER)  # as an interaction option resolves a member
    lookups.asked.clear()
    assert await checks.fetched_member(g, resolved) is resolved
    full, full_lookups = looked_up(members_cached=True)
    assert full.chunked
    stranger = parse_user(full, User(STRANGER, "stranger"))
    assert await checks.fetched_member(full, stranger) is stranger  # not a member: known
    peer = member(full, PEER)
    assert await checks.fetched_member(full, peer) is peer
    assert lookups.asked == [] and full_lookups.asked == []


# -- check_target --------------------------------------------------------------------------

async def test_nobody_acts_on_themselves_the_owner_or_the_bot() -> None:
    g = world()
    mod = member(g, MOD)
    assert refusal(checks.check_target, g, mod, mod) == "You cannot do that to yourself."
    assert refusal(checks.check_target, g, mod, member(g, OWNER)) == (
        "You cannot do that to the server owner.")
    assert refusal(checks.check_target, g, mod, member(g, BOT)) == "You cannot do that to me."


async def test_a_target_ranked_at_or_above_the_author_is_refused() -> None:
    g = world()
    text = refusal(checks.check_target, g, member(g, MOD), member(g, PEER))  # same role
    assert text == ("\\*Peer\\* @\u200beveryone's highest role is equal to or above yours, "
                    "so you cannot do that to them.")
    assert "highest role is equal to or above yours" in refusal(
        checks.check_target, g, member(g, JUNIOR), member(g, MOD))  # above


async def test_a_lower_target_a_non_member_and_the_owners_actions_pass() -> None:
    g = world()
    checks.check_target(g, member(g, MOD), member(g, JUNIOR))
    stranger = parse_user(g, User(STRANGER, "stranger"))
    checks.check_target(g, member(g, JUNIOR), stranger)  # a ban by id of a non-member
    checks.check_target(g, member(g, OWNER), member(g, MOD))


# -- check_bot -----------------------------------------------------------------------------

async def test_the_bot_needs_the_permission() -> None:
    g = world(bot_permissions=P.KICK_MEMBERS)
    assert refusal(checks.check_bot, g, "ban_members", member(g, JUNIOR)) == (
        "I need these permissions here: Ban Members.")
    assert refusal(checks.check_bot, g, "ban_members", None) == (
        "I need these permissions here: Ban Members.")
    checks.check_bot(g, "kick_members", member(g, JUNIOR))


async def test_the_bot_must_rank_above_the_target() -> None:
    g = world()
    checks.check_bot(g, "kick_members", member(g, MOD))  # 3 < 5
    checks.check_bot(g, "kick_members", None)
    g2 = world()
    high = member(g2, PEER)
    high._roles.add(HIGH_ROLE)  # the peer now also holds "High" (6 > the bot's 5)
    assert refusal(checks.check_bot, g2, "kick_members", high) == (
        "My highest role (Guildhall) must be above \\*Peer\\* @\u200beveryone's highest "
        "role (High); move my role up in the server settings.")


async def test_the_bot_refuses_a_target_of_its_own_rank() -> None:
    g = world()
    same = member(g, BOT)  # the bot's own top role: equal, so refused
    assert "must be above" in refusal(checks.check_bot, g, "kick_members", same)


# -- check_mute_role -----------------------------------------------------------------------

async def test_the_mute_role_below_the_bot_is_returned() -> None:
    g = world()
    role = checks.check_mute_role(g, MUTE_ROLE)
    assert role.id == MUTE_ROLE and role.name == "Muted"


async def test_a_missing_mute_role_is_refused() -> None:
    assert refusal(checks.check_mute_role, world(), 424242) == (
        "The configured mute role no longer exists; ask an admin to set it again.")


async def test_the_bot_needs_manage_roles_for_the_mute_role() -> None:
    g = world(bot_permissions=P.KICK_MEMBERS)
    assert refusal(checks.check_mute_role, g, MUTE_ROLE) == (
        "I need these permissions here: Manage Roles.")
    with pytest.raises(Refusal) as caught:
        checks.check_mute_role(g, MUTE_ROLE)
    assert caught.value.in_locale(TEXTS.to("de")) == (
        "Ich brauche hier diese Berechtigungen: Rollen verwalten.")  # the reader's words


async def test_a_mute_role_at_or_above_the_bot_is_refused() -> None:
    assert refusal(checks.check_mute_role, world(mute_position=6), MUTE_ROLE) == (
        "My highest role must be above the mute role (Muted).")
    assert refusal(checks.check_mute_role, world(), BOT_ROLE) == (  # the bot's own top role
        "My highest role must be above the mute role (Guildhall).")
