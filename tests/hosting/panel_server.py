"""The test control panel, started in this process for a test.

Import the fixtures a test module uses::

    from tests.hosting.panel_server import panel_server  # noqa: F401

- ``panel_server``: a running panel on a free port with its state in the test's ``tmp_path``;
  it sets ``settings.SERVER_MODULE = "testpanel"`` and ``settings.TEST_PANEL_URL`` for the test
  (the key is ``settings.TEST_PANEL_KEY``). A ``slow-`` domain's creation answers after
  ``HANG_SECONDS``, well within ``settings.HOSTING_TIMEOUT``: it just succeeds, late.
- ``hanging_panel_server``: the same, but a ``slow-`` domain's creation answers only after
  ``LONG_HANG_SECONDS`` while ``settings.HOSTING_TIMEOUT`` is ``SHORT_TIMEOUT``: the call times
  out, and the account exists on the panel all the same.
- ``panel_api(panel, method, path, body, key=...)``: one call to the panel's API, as
  (status, JSON, headers); ``set_usage(panel, service_ref, disk_mb=...)`` the usage hook;
  ``an_account(panel, service_ref, domain=..., ...)`` an account put straight into the state
  (e.g. on a ``down-`` domain, which the API never creates); ``accounts(panel)`` all of them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from clientvault.testpanel import Config, RunningPanel, start
from clientvault.testpanel.panel import insert_account

KEY = "panel_clientvault_test"  # settings.TEST_PANEL_KEY's default
HANG_SECONDS = 1.0  # panel_server: a slow- creation's delay, below the client's timeout
LONG_HANG_SECONDS = 30.0  # hanging_panel_server: cut short when the panel stops
SHORT_TIMEOUT = 2  # hanging_panel_server: settings.HOSTING_TIMEOUT, below LONG_HANG_SECONDS


@contextmanager
def running_panel(
    *, key: str = KEY, state: Path | None = None, **options: Any
) -> Iterator[RunningPanel]:
    """A quiet panel for the block, its slow- creations short unless ``hang_seconds`` is given."""
    options.setdefault("hang_seconds", HANG_SECONDS)
    options.setdefault("quiet", True)
    running = start(Config(key=key, **options), state=state)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def panel_server(settings: Any, tmp_path: Path) -> Iterator[RunningPanel]:
    state = tmp_path / "testpanel.sqlite3"
    with running_panel(key=settings.TEST_PANEL_KEY, state=state) as running:
        settings.SERVER_MODULE = "testpanel"
        settings.TEST_PANEL_URL = running.url
        yield running


@pytest.fixture
def hanging_panel_server(settings: Any, tmp_path: Path) -> Iterator[RunningPanel]:
    state = tmp_path / "testpanel.sqlite3"
    options = {"hang_seconds": LONG_HANG_SECONDS}
    with running_panel(key=settings.TEST_PANEL_KEY, state=state, **options) as running:
        settings.SERVER_MODULE = "testpanel"
        settings.TEST_PANEL_URL = running.url
        settings.HOSTING_TIMEOUT = SHORT_TIMEOUT
        yield running


def panel_api(
    panel: RunningPanel,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    key: str = "",
    bearer: str | None = None,
    data: bytes | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """One call; ``data`` sends those bytes as the body instead of ``body`` as JSON."""
    headers = {"Authorization": f"Bearer {panel.config.key if bearer is None else bearer}"}
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(panel.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read()), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def set_usage(
    panel: RunningPanel, service_ref: str, *, disk_mb: int, bandwidth_mb: int = 0
) -> None:
    body = {"disk_mb": disk_mb, "bandwidth_mb": bandwidth_mb}
    status, answer, _ = panel_api(panel, "POST", f"/v1/accounts/{service_ref}/usage", body)
    assert status == 200, answer


def an_account(
    panel: RunningPanel,
    service_ref: str,
    *,
    domain: str = "example.com",
    plan: str = "shared-starter",
    status: str = "active",
) -> dict[str, Any]:
    with panel.store.transaction() as db:
        insert_account(db, service_ref=service_ref, domain=domain, plan=plan, status=status)
    return next(row for row in accounts(panel) if row["service_ref"] == service_ref)


def accounts(panel: RunningPanel) -> list[dict[str, Any]]:
    return panel.store.accounts()
