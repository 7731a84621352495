"""The cross-worker deletion on PostgreSQL without Redis: the bus is LISTEN/NOTIFY."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from core.coordination import coordination_for
from core.coordination.bus import PostgresBus
from tests.core.services.test_privacy_workers import deletion_holds_across_workers

pytestmark = pytest.mark.postgres


@pytest.fixture
def guildhall_engine(guildhall_services) -> str:
    """PostgreSQL only: its own bus is the point."""
    if guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    return "postgres"


async def test_deletion_holds_across_workers_on_listen_notify(guildhall_db) -> None:
    settings = guildhall_db.settings.model_copy(deep=True)
    settings.redis.url = SecretStr("")  # no Redis: the PostgreSQL backend makes a PostgresBus
    assert isinstance(coordination_for(settings).make_bus(), PostgresBus)
    await deletion_holds_across_workers(settings, guildhall_db.plugins)
