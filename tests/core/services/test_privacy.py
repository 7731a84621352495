"""core.services.privacy without a bot: the export file, a deletion a plugin breaks half-way."""

from __future__ import annotations

import gzip
import json

import pytest

from core.bot.cogs.privacy import deletion_text
from core.db.models import GuildMember, User
from core.plugins.hookspecs import hookimpl
from core.services import privacy
from plugins.economy.models import Transaction
from tests.core.services.privacy_support import seed_guild

USER, MOD = 7, 8


def test_large_exports_are_gzipped_and_too_large_ones_refused() -> None:
    data = {"user_id": "7", "rows": ["x" * 100 for _ in range(1000)]}
    name, content = privacy.export_file(data)
    assert name == "guildhall-data-7.json" and json.loads(content) == data
    name, content = privacy.export_file(data, limit=20_000)
    assert name.endswith(".json.gz") and json.loads(gzip.decompress(content)) == data
    with pytest.raises(privacy.ExportTooLarge):
        privacy.export_file({"user_id": "7", "rows": [str(i) for i in range(5000)]}, limit=100)


class BrokenDelete:
    """A plugin whose user deletion fails."""

    @hookimpl
    async def guildhall_user_delete(self, user_id: int) -> int:
        raise RuntimeError("disk on fire")


async def test_a_failing_plugin_keeps_core_rows_for_the_retry(guildhall_db) -> None:
    await seed_guild(500, USER, MOD)
    guildhall_db.plugins.register("broken", BrokenDelete())

    report = await privacy.delete_user(guildhall_db.plugins, USER)

    assert report.failed == ["broken"] and not report.complete
    assert report.rows["economy"] == 2  # the others ran: transactions and the archive
    assert not await Transaction.filter(user_id=USER).exists()
    assert await User.filter(user_id=USER).exists()
    assert await GuildMember.filter(user_id=USER).exists()
    assert "Run /privacy delete again" in deletion_text(report)

    guildhall_db.plugins.pm.unregister(name="broken")
    retry = await privacy.delete_user(guildhall_db.plugins, USER)
    assert retry.complete and retry.rows["core"] == 2  # guild_members and users
    assert not await User.filter(user_id=USER).exists()
    again = await privacy.delete_user(guildhall_db.plugins, USER)
    assert again.total == 0 and deletion_text(again).startswith("There was nothing left")
