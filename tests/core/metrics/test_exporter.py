"""The exporter's ports: one per worker, clear errors, idempotent start."""

from __future__ import annotations

import aiohttp
import pytest

from core.metrics import MetricsError, start_exporter, stop_exporter
from core.metrics.exporter import Exporter, exporter_port
from core.runtime.config import MetricsSettings, Settings


def settings(port: int) -> Settings:
    return Settings(metrics=MetricsSettings(enabled=True, port=port))


def test_each_worker_gets_base_port_plus_its_cluster() -> None:
    assert [exporter_port(9310, n) for n in (0, 1, 7)] == [9310, 9311, 9317]
    assert exporter_port(0, 5) == 0  # any free port
    with pytest.raises(MetricsError, match="= 65536 is above 65535"):
        exporter_port(65535, 1)


async def test_port_in_use_is_a_clear_error_and_start_is_idempotent() -> None:
    first = await start_exporter(settings(0), cluster_id=2)
    try:
        assert await start_exporter(settings(0), cluster_id=2) is first
        async with aiohttp.ClientSession() as session, session.get(first.url) as response:
            assert response.status == 200
            assert 'guildhall_leader 0.0' in await response.text()  # no bot: not leading
        with pytest.raises(MetricsError) as caught:
            await Exporter(settings(first.port), cluster_id=0).start()
        assert f"cannot serve metrics on 127.0.0.1:{first.port} (cluster 0)" in str(caught.value)
        assert "change [metrics] host/port" in str(caught.value)
    finally:
        await stop_exporter()
