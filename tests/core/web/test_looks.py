"""Icons and avatars: Discord's CDN addresses, built from hashes only."""

from __future__ import annotations

from core.db.models import User
from core.web.looks import avatar_url, faces, guild_icon_url, guild_look

HASH = "0123456789abcdef" * 2


def test_addresses_use_only_discord_hashes() -> None:
    assert guild_icon_url(7, HASH) == f"https://cdn.discordapp.com/icons/7/{HASH}.png?size=64"
    assert avatar_url(9, "a_" + HASH).startswith("https://cdn.discordapp.com/avatars/9/a_")
    for hostile in ("../../evil", HASH + "?x=1", "https://evil.example/a.png", "", None):
        assert guild_icon_url(7, hostile) is None
        assert avatar_url(1 << 22, hostile) == "https://cdn.discordapp.com/embed/avatars/1.png"


def test_a_server_without_icon_or_name_shows_initials() -> None:
    look = guild_look(42, "Guildhall Demo Server Four", None)
    assert (look.name, look.icon_url, look.initials) == ("Guildhall Demo Server Four", None, "GDS")
    unnamed = guild_look(42, None, None)
    assert unnamed.name == "Server 42" and unnamed.initials == "S4"


async def test_faces_in_one_query_with_fallbacks(guildhall_db) -> None:
    await User.create(user_id=5, username="ada", display_name="Ada", avatar=HASH)
    await User.create(user_id=6, username="bob")
    found = await faces([5, 6, 7, 5])
    assert [(f.name, f.avatar_url) for f in found.values()] == [
        ("Ada", f"https://cdn.discordapp.com/avatars/5/{HASH}.png?size=64"),
        ("bob", "https://cdn.discordapp.com/embed/avatars/0.png"),
        ("7", "https://cdn.discordapp.com/embed/avatars/0.png"),
    ]
    assert await faces([]) == {}
