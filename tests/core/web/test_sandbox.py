"""``guildhall sandbox`` serves the dashboard for its demo guild (public pages on)."""

from __future__ import annotations

import aiohttp
import pytest

from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.testing.sandbox.session import Sandbox
from core.web.sandbox import serve_sandbox_dashboard


@pytest.fixture
def guildhall_engine() -> str:
    """SQLite only: the sandbox starts two worker processes; once is enough."""
    return "sqlite"


async def test_sandbox_dashboard_serves_the_demo_guild(guildhall_settings: Settings) -> None:
    async with Sandbox(Runtime.from_settings(guildhall_settings)) as sandbox:
        dashboard = await serve_sandbox_dashboard(sandbox)
        try:
            first, second = dashboard.lines()
            assert first.startswith("dashboard: http://127.0.0.1:") and "log in as admin" in first
            board_url = second.split(": ", 1)[1]
            async with aiohttp.ClientSession() as http:
                async with http.get(board_url) as board:
                    assert board.status == 200
                    assert "Guildhall Demo" in await board.text()
                login = f"{dashboard.base}/login"
                async with http.get(login) as page:  # follows to the double's authorize page
                    assert page.status == 200
                    assert "Authorize as admin" in await page.text()
        finally:
            await dashboard.stop()
