"""The demo world shared by ``guildhall sandbox`` and the test-kit fixtures.

Ids are fixed snowflakes whose timestamps fall in the first second of Discord's epoch
(January 2015, months before any real guild or user existed), so the sandbox can write
to a real database without ever touching a real guild's rows, and re-runs reuse the
same rows instead of piling up new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.testing.double import DiscordDouble, permissions
from core.testing.double.state import Channel, Guild, Member, Role

DEMO_GUILD = "Guildhall Demo"
ANNEX_GUILD = "Guildhall Annex"
MEMBER_NAMES = ("alice", "bob", "carol")
MODERATOR = "mod"
GERMAN_MEMBER = "lena"  # her Discord client speaks German: the bot answers her in German
MODERATOR_PERMISSIONS = (permissions.DEFAULT_EVERYONE | permissions.KICK_MEMBERS
                         | permissions.BAN_MEMBERS | permissions.MODERATE_MEMBERS)


def demo_id(n: int) -> int:
    """A fixed snowflake for demo object ``n``; guilds route to shard ``n % shard_count``."""
    return n << 22


@dataclass
class DemoWorld:
    """A demo guild (shard 0) with #general, an admin and members; an annex guild (shard 1).

    ``admin`` holds the "Admin" role (Manage Server); ``members`` are plain members.
    """

    guild: Guild
    general: Channel
    admin: Member
    admin_role: Role
    members: dict[str, Member]
    annex: Guild
    annex_general: Channel
    people: dict[str, Member] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.people = {"admin": self.admin, **self.members}

    @property
    def member(self) -> Member:
        """The first plain member (``alice``)."""
        return self.members[MEMBER_NAMES[0]]

    def person(self, name: str) -> Member:
        """The demo guild's member called ``name`` (``admin``, ``alice``, ...)."""
        try:
            return self.people[name]
        except KeyError:
            known = ", ".join(self.people)
            raise KeyError(f"no demo member {name!r}; known: {known}") from None

    @property
    def guild_ids(self) -> list[int]:
        """Ids of both demo guilds."""
        return [self.guild.id, self.annex.id]


def build_demo_world(double: DiscordDouble) -> DemoWorld:
    """Create the demo guilds, channels, roles and members in ``double`` (bot included)."""
    owner = double.create_user("owner", id=demo_id(100))
    guild = double.create_guild(DEMO_GUILD, owner, id=demo_id(2), channels=())
    general = double.create_channel(guild, "general", id=demo_id(10), position=0)
    double.create_channel(guild, "random", id=demo_id(11), position=1)
    admin_role = double.create_role(
        guild, "Admin", id=demo_id(20),
        permissions=permissions.DEFAULT_EVERYONE | permissions.MANAGE_GUILD,
    )
    admin = double.add_member(guild, "admin", id=demo_id(101), roles=[admin_role])
    members = {
        name: double.add_member(guild, name, id=demo_id(102 + i))
        for i, name in enumerate(MEMBER_NAMES)
    }
    annex = double.create_guild(ANNEX_GUILD, owner, id=demo_id(3), channels=())
    annex_general = double.create_channel(annex, "general", id=demo_id(12), position=0)
    for member in (admin, *members.values()):
        double.add_member(annex, member.user)
    return DemoWorld(guild, general, admin, admin_role, members, annex, annex_general)


def add_moderator(double: DiscordDouble, world: DemoWorld) -> Member:
    """Give the demo guild a "Moderator" role (timeout, kick, ban) and a member ``mod``
    holding it, who can act as ``@mod`` (the sandbox's world; test fixtures add their own)."""
    role = double.create_role(world.guild, "Moderator", id=demo_id(21),
                              permissions=MODERATOR_PERMISSIONS)
    moderator = double.add_member(world.guild, MODERATOR, id=demo_id(110), roles=[role])
    world.people[MODERATOR] = moderator
    return moderator


def add_german_member(double: DiscordDouble, world: DemoWorld) -> Member:
    """Add ``lena``, a plain member whose Discord client is set to German (``de``), who can
    act as ``@lena``: the bot answers her interactions in German."""
    user = double.create_user(GERMAN_MEMBER, id=demo_id(111), locale="de")
    member = double.add_member(world.guild, user)
    world.people[GERMAN_MEMBER] = member
    return member
