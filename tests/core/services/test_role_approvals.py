"""The role rule against the database and real disnake roles: approvals are kept per guild
and role, and ``may_grant`` gives only what was approved (refusals reach the log channel).
"""

from __future__ import annotations

from typing import Any

import disnake
import pytest

from core.db.models import GuildConfig, SettingsAudit
from core.services import audit, role_rule
from core.services.guild_config import GuildConfigService
from core.services.guild_facts import ActorFacts, RoleFacts
from core.testing.double import permissions as P
from core.testing.double.state import Guild, Member, Role, User
from tests.disnake_offline import parse_guild

GUILD, OTHER, BOT, OWNER, LOG_CHANNEL = 1000, 2000, 99, 1, 555
PLAIN, ADMIN, KICKER, BOT_ROLE = 11, 12, 13, 14
OWNER_FACTS = ActorFacts(OWNER, True, 0, 0)


def guild(guild_id: int = GUILD, locale: str = "en-US",
          bot_permissions: int = P.MANAGE_ROLES) -> disnake.Guild:
    """Roles: plain (1), Administrator (2), Kick Members (3); the bot's at 5."""
    g = Guild(guild_id, "Demo", owner_id=OWNER, preferred_locale=locale)
    for role in (Role(guild_id, guild_id, "@everyone", P.DEFAULT_EVERYONE, 0),
                 Role(PLAIN, guild_id, "Regulars", 0, 1),
                 Role(ADMIN, guild_id, "Admins", P.ADMINISTRATOR, 2),
                 Role(KICKER, guild_id, "Kickers", P.KICK_MEMBERS, 3),
                 Role(BOT_ROLE, guild_id, "Guildhall", bot_permissions, 5, managed=True,
                      bot_id=BOT)):
        g.roles[role.id] = role
    g.members[OWNER] = Member(User(OWNER, "owner"), guild_id)
    g.members[BOT] = Member(User(BOT, "guildhall", bot=True), guild_id, [BOT_ROLE])
    return parse_guild(g, BOT)


def role(g: disnake.Guild, role_id: int) -> disnake.Role:
    """A role of ``g`` (present by construction)."""
    found = g.get_role(role_id)
    assert found is not None
    return found


class Posts:
    """The bot's REST client as far as the log channel goes: records what it sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, dict[str, Any]]] = []

    async def send_message(self, channel_id: int, content: str, **options: Any) -> None:
        self.sent.append((channel_id, content, options))


class Bot:
    """What ``may_grant`` uses of the bot: the real settings service and the REST client."""

    def __init__(self) -> None:
        self.guild_configs = GuildConfigService()
        self.http = Posts()


async def test_an_approval_is_kept_per_guild_and_role(guildhall_db) -> None:
    admin = RoleFacts(ADMIN, "Admins", 2, False, False, P.ADMINISTRATOR | P.VIEW_CHANNEL)
    await role_rule.record_approval(GUILD, admin, OWNER_FACTS, "web")
    row = await SettingsAudit.get(setting=f"role_rule.approved.{ADMIN}")
    assert (row.guild_id, row.actor_id, row.source) == (GUILD, OWNER, "web")
    assert audit.values(row) == (None, P.ADMINISTRATOR)  # the dangerous bits only
    assert await role_rule.approved_permissions(GUILD, ADMIN) == P.ADMINISTRATOR
    assert await role_rule.approved_permissions(OTHER, ADMIN) == 0
    assert await role_rule.approved_permissions(GUILD, KICKER) == 0


async def test_the_latest_approval_counts_and_harmless_roles_leave_no_row(guildhall_db) -> None:
    await role_rule.record_approval(GUILD, RoleFacts(PLAIN, "Regulars", 1, False, False),
                                    OWNER_FACTS, "slash")
    assert await SettingsAudit.all().count() == 0
    both = P.ADMINISTRATOR | P.KICK_MEMBERS
    await role_rule.record_approval(GUILD, RoleFacts(ADMIN, "A", 2, False, False, both),
                                    OWNER_FACTS, "slash")
    await role_rule.record_approval(GUILD, RoleFacts(ADMIN, "A", 2, False, False,
                                                     P.KICK_MEMBERS), OWNER_FACTS, "slash")
    assert await role_rule.approved_permissions(GUILD, ADMIN) == P.KICK_MEMBERS


async def test_an_unreadable_approval_approves_nothing(guildhall_db) -> None:
    setting = f"role_rule.approved.{ADMIN}"
    await SettingsAudit.create(guild_id=GUILD, actor_id=OWNER, source="web", setting=setting,
                               before=None, after='"8"')
    assert await role_rule.approved_permissions(GUILD, ADMIN) == 0
    await SettingsAudit.create(guild_id=GUILD, actor_id=OWNER, source="web", setting=setting,
                               before=None, after=None)
    assert await role_rule.approved_permissions(GUILD, ADMIN) == 0


async def test_may_grant_gives_only_what_was_approved(
    guildhall_db, caplog: pytest.LogCaptureFixture
) -> None:
    g, bot = guild(), Bot()
    await GuildConfig.create(guild_id=GUILD, log_channel_id=LOG_CHANNEL)
    assert await role_rule.may_grant(bot, g, role(g, PLAIN), "a level reward") is None
    refused = await role_rule.may_grant(bot, g, role(g, ADMIN), "a level reward")
    reason = str(refused)
    assert reason == ("Admins now has dangerous permissions (Administrator) that the server "
                      "owner or an Administrator did not approve; set the role again.")
    assert [(c, text) for c, text, _ in bot.http.sent] == [
        (LOG_CHANNEL, f"Role not given (a level reward): {reason}")]
    assert bot.http.sent[0][2]["allowed_mentions"]["parse"] == []
    logged = [r.getMessage() for r in caplog.records if r.name == role_rule.log.name]
    assert logged == [f"role {ADMIN} not given in guild {GUILD} (a level reward): {reason}"]

    await role_rule.record_approval(OTHER, role_rule.role_facts(role(g, ADMIN)), OWNER_FACTS,
                                    "web")  # another guild's approval does not count
    assert await role_rule.may_grant(bot, g, role(g, ADMIN), "a shop item") is not None
    await role_rule.record_approval(GUILD, role_rule.role_facts(role(g, ADMIN)), OWNER_FACTS,
                                    "web")
    assert await role_rule.may_grant(bot, g, role(g, ADMIN), "a shop item") is None
    assert await role_rule.may_grant(bot, g, role(g, KICKER), "a shop item") is not None
    assert str(await role_rule.may_grant(bot, g, role(g, BOT_ROLE), "the mute role")) == (
        "Pick a normal role of this server: @everyone and roles managed by an integration "
        "or a bot cannot be given.")
    assert len(bot.http.sent) == 4


async def test_may_grant_without_a_log_channel_only_answers(guildhall_db) -> None:
    g, bot = guild(), Bot()
    assert await role_rule.may_grant(bot, g, role(g, KICKER), "a level reward") is not None
    assert bot.http.sent == []


async def test_a_refusal_reaches_the_log_channel_in_the_guilds_language(guildhall_db) -> None:
    """The log channel reads the guild's language, the permission's name included; the
    returned refusal and the log line stay worded per reader and in English."""
    g, bot = guild(locale="de", bot_permissions=0), Bot()
    await GuildConfig.create(guild_id=GUILD, log_channel_id=LOG_CHANNEL)
    refused = await role_rule.may_grant(bot, g, role(g, PLAIN), "a level reward")
    assert str(refused) == "I need these permissions here: Manage Roles."
    assert [(c, text) for c, text, _ in bot.http.sent] == [
        (LOG_CHANNEL, "Rolle nicht vergeben (a level reward): Ich brauche hier diese "
                      "Berechtigungen: Rollen verwalten.")]
