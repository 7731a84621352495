"""Every e2e test that starts a bot runs under each ``[bot] profile``: ``default`` on SQLite
and PostgreSQL, ``large`` once more on SQLite (docs/testing.md)."""

from __future__ import annotations

import pytest

from core.testing.bot_fixtures import parametrize_profiles


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Add the ``large`` profile to every test using ``guildhall_profile``."""
    parametrize_profiles(metafunc)
