"""Custom command storage on both engines: validation, limits, batched use counts."""

from __future__ import annotations

import pytest

from plugins.customcmds import service
from plugins.customcmds.models import CustomCommand
from plugins.customcmds.service import CustomCommandError, UsesBuffer


def test_names_are_normalised_and_validated() -> None:
    assert service.normalise_name("  Hello_World-2 ") == "hello_world-2"
    assert service.normalise_name("x" * 32) == "x" * 32
    for bad in ("", "x" * 33, "two words", "é", "a.b", "{user}", "a\nb"):
        with pytest.raises(CustomCommandError, match="1-32 characters"):
            service.normalise_name(bad)
    with pytest.raises(CustomCommandError, match="built-in"):
        service.normalise_name("PING", reserved={"ping"})


def test_responses_are_checked() -> None:
    assert service.check_response(" hi ") == "hi"
    assert len(service.check_response("x" * 2000)) == 2000
    with pytest.raises(CustomCommandError, match="at most 2,000"):
        service.check_response("x" * 2001)
    with pytest.raises(CustomCommandError, match="empty"):
        service.check_response("   ")


async def test_create_is_unique_case_insensitively_and_limited(guildhall_db) -> None:
    await service.create(1, "Hello", "hi", 9, limit=2)
    with pytest.raises(CustomCommandError, match="already exists"):
        await service.create(1, "HELLO", "again", 9, limit=2)
    await service.create(2, "hello", "other guild", 9, limit=2)
    await service.create(1, "bye", "bye", 9, limit=2)
    with pytest.raises(CustomCommandError, match="already has 2"):
        await service.create(1, "third", "x", 9, limit=2)
    assert await CustomCommand.filter(guild_id=1).count() == 2
    assert (await service.get(1, "HeLLo")).response == "hi"  # type: ignore[union-attr]


async def test_edit_delete_and_pages(guildhall_db) -> None:
    for i in range(7):
        await service.create(5, f"cmd{i}", f"r{i}", 9)
    rows, pages = await service.page(5, 2, 3)
    assert [r.command_name for r in rows] == ["cmd3", "cmd4", "cmd5"] and pages == 3
    assert (await service.edit(5, "CMD1", "new")).response == "new"
    await service.delete(5, "cmd1")
    assert await service.get(5, "cmd1") is None
    with pytest.raises(CustomCommandError, match="no custom command `cmd1`"):
        await service.edit(5, "cmd1", "x")
    with pytest.raises(CustomCommandError, match="no custom command"):
        await service.delete(5, "cmd1")
    assert await service.page(6, 1, 3) == ([], 1)


async def test_uses_buffer_writes_counts_once(guildhall_db) -> None:
    a = await service.create(1, "a", "x", 9)
    b = await service.create(1, "b", "x", 9)
    buffer = UsesBuffer()
    for _ in range(5):
        buffer.add(a.id)
    buffer.add(b.id)
    buffer.add(999_999)  # a command deleted meanwhile: nothing to update, no error
    assert buffer.pending(a.id) == 5
    assert await buffer.flush() == 3
    assert await buffer.flush() == 0
    buffer.add(a.id)
    await buffer.flush()
    await a.refresh_from_db()
    await b.refresh_from_db()
    assert (a.uses, b.uses, buffer.pending(a.id)) == (6, 1, 0)
