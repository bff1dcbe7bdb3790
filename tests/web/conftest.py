"""The demo talks to the local test panel and registrar over their state files: each test here
gets its own, so a demo loaded by one test never finds another's domains already registered."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_hosting_state(settings, tmp_path):
    settings.TEST_PANEL_STATE = tmp_path / "testpanel.sqlite3"
    settings.TEST_REGISTRAR_STATE = tmp_path / "testregistrar.sqlite3"
