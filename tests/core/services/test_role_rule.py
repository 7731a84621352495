"""The role rule on plain facts: who may configure which role, and what may be given."""

from __future__ import annotations

import pytest

from core.bot.errors import user_message
from core.bot.texts import TEXTS
from core.services.guild_facts import ActorFacts, BotFacts, RoleFacts
from core.services.role_rule import (
    ADMINISTRATOR,
    DANGEROUS,
    MANAGE_ROLES,
    RoleRefused,
    check_configurable,
    check_grantable,
)

MANAGE_GUILD = DANGEROUS["manage_guild"]
BOT = BotFacts(top_position=10, manage_roles=True)
PLAIN = RoleFacts(1, "Regular", 3, managed=False, default=False)
ADMIN_ROLE = RoleFacts(2, "Server *Admins*", 3, False, False, ADMINISTRATOR)
HIGH = RoleFacts(3, "Senior", 6, False, False)


def actor(permissions: int, top: int = 5, owner: bool = False) -> ActorFacts:
    """A person whose highest role is at ``top``."""
    return ActorFacts(42, owner, permissions, top)


@pytest.mark.parametrize("role, who, refusal", [
    (PLAIN, actor(MANAGE_GUILD), "You need these permissions: Manage Roles."),
    (HIGH, actor(MANAGE_ROLES), "Your highest role must be above Senior"),
    (PLAIN, actor(MANAGE_ROLES, top=3), "Your highest role must be above Regular"),
    (ADMIN_ROLE, actor(MANAGE_ROLES | MANAGE_GUILD),
     r"Server \*Admins\* has dangerous permissions (Administrator)"),
    (RoleFacts(4, "@everyone", 0, False, True), actor(0, owner=True), "Pick a normal role"),
    (RoleFacts(5, "Bot", 3, True, False), actor(ADMINISTRATOR), "Pick a normal role"),
    (RoleFacts(6, "Top", 10, False, False), actor(0, owner=True),
     "My highest role must be above Top"),
    (PLAIN, actor(MANAGE_ROLES), None),
    (ADMIN_ROLE, actor(ADMINISTRATOR), None),
    (ADMIN_ROLE, actor(0, top=0, owner=True), None),
])
def test_who_may_configure_a_role(role: RoleFacts, who: ActorFacts,
                                  refusal: str | None) -> None:
    if refusal is None:
        check_configurable(role, who, BOT)
        return
    with pytest.raises(RoleRefused) as caught:
        check_configurable(role, who, BOT)
    assert refusal in str(caught.value)


def test_the_bot_needs_manage_roles() -> None:
    refusal = "I need these permissions here: Manage Roles."
    with pytest.raises(RoleRefused, match=refusal) as refused:
        check_configurable(PLAIN, actor(0, owner=True), BotFacts(10, manage_roles=False))
    assert user_message(refused.value, TEXTS.to("de")) == (
        "Ich brauche hier diese Berechtigungen: Rollen verwalten.")  # the reader's words


def test_only_approved_dangerous_permissions_are_given() -> None:
    check_grantable(PLAIN, BOT, approved=0)
    check_grantable(ADMIN_ROLE, BOT, approved=ADMINISTRATOR)
    with pytest.raises(RoleRefused, match=r"now has dangerous permissions \(Administrator\)"):
        check_grantable(ADMIN_ROLE, BOT, approved=0)
    grown = RoleFacts(2, "Helpers", 3, False, False, DANGEROUS["kick_members"] | ADMINISTRATOR)
    with pytest.raises(RoleRefused, match=r"\(Administrator\)"):
        check_grantable(grown, BOT, approved=DANGEROUS["kick_members"])
    with pytest.raises(RoleRefused, match="My highest role must be above"):
        check_grantable(RoleFacts(7, "Moved", 11, False, False), BOT, approved=0)


def test_each_refusal_says_exactly_which_rule_failed() -> None:
    def text(call: object, *args: object) -> str:
        with pytest.raises(RoleRefused) as caught:
            call(*args)  # type: ignore[operator]
        return str(caught.value)

    assert text(check_configurable, RoleFacts(4, "@everyone", 0, False, True),
                actor(0, owner=True), BOT) == (
        "Pick a normal role of this server: @everyone and roles managed by an integration "
        "or a bot cannot be given.")
    assert text(check_configurable, RoleFacts(6, "Top", 10, False, False),
                actor(0, owner=True), BOT) == (
        "My highest role must be above Top to give it; move my role up in the server "
        "settings.")
    assert text(check_configurable, ADMIN_ROLE, actor(MANAGE_ROLES), BOT) == (
        "Server \\*Admins\\* has dangerous permissions (Administrator): only the server "
        "owner or an Administrator may have the bot hand it out.")
    assert text(check_grantable, ADMIN_ROLE, BOT, 0) == (
        "Server \\*Admins\\* now has dangerous permissions (Administrator) that the server "
        "owner or an Administrator did not approve; set the role again.")


def test_a_refusal_is_worded_for_the_reader() -> None:
    """English in ``str()`` (logs, the dashboard); a German reader's words in a reply."""
    dangerous = RoleFacts(7, "Mods", 3, False, False,
                          ADMINISTRATOR | DANGEROUS["ban_members"])
    with pytest.raises(RoleRefused) as refused:
        check_configurable(dangerous, actor(MANAGE_ROLES), BOT)
    assert str(refused.value).startswith(
        "Mods has dangerous permissions (Administrator, Ban Members): only the server owner")
    assert user_message(refused.value, TEXTS.to("de")) == (
        "Mods hat gefährliche Berechtigungen (Administrator, Mitglieder bannen): Nur der "
        "Servereigentümer oder ein Administrator darf sie vom Bot vergeben lassen.")
    with pytest.raises(RoleRefused) as refused:
        check_configurable(PLAIN, actor(0), BOT)
    assert user_message(refused.value, TEXTS.to("fr")) == (
        "Il vous faut ces permissions : Gérer les rôles.")
