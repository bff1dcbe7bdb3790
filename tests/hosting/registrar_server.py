"""The test registrar, started in this process for a test.

Import the fixtures a test module uses (there is no conftest here)::

    from tests.hosting.registrar_server import registrar_server  # noqa: F401

- ``registrar_server``: a running registrar on a free port with a temporary state file; it sets
  ``settings.TEST_REGISTRAR_URL`` (and ``REGISTRAR = "testregistrar"``) for the test. ``slow-``
  names answer after ``HANG_SECONDS``, well within the usual ``HOSTING_TIMEOUT``.
- ``impatient_registrar_server``: the same, with ``settings.HOSTING_TIMEOUT`` set to
  ``SHORT_TIMEOUT``, below ``HANG_SECONDS``: a ``slow-`` registration times out on the client
  (while the registrar records it).
- ``running_registrar(**config)``: a registrar for a ``with`` block, for a test that needs its
  own (another key, a state file it keeps, another ``today``).
- ``api(registrar, method, path, body, key=...)``: one call to the registrar's API, as
  (status, JSON, headers); ``contact(...)`` and ``four_contacts(...)`` build contact payloads,
  ``register(registrar, name, ...)`` registers with them; ``free_port()`` for a registrar
  that is not there.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from clientvault.testregistrar import Config, RunningRegistrar, start
from tests.localserver import free_port as free_port  # for tests of a registrar not there

KEY = "registrar_clientvault_test"  # settings.TEST_REGISTRAR_KEY's default
HANG_SECONDS = 2.0  # how long a slow- name keeps the client waiting in tests
SHORT_TIMEOUT = 0.5  # the client's HOSTING_TIMEOUT for tests of a registrar that does not answer
ROLES = ("registrant", "admin", "tech", "billing")


@contextmanager
def running_registrar(
    *, key: str = KEY, state: Any = None, **options: Any
) -> Iterator[RunningRegistrar]:
    """A registrar for the block: quiet, slow- names short."""
    options.setdefault("hang_seconds", HANG_SECONDS)
    options.setdefault("quiet", True)
    running = start(Config(key=key, **options), state=state)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def registrar_server(settings: Any) -> Iterator[RunningRegistrar]:
    with running_registrar(key=settings.TEST_REGISTRAR_KEY) as running:
        settings.REGISTRAR = "testregistrar"
        settings.TEST_REGISTRAR_URL = running.url
        yield running


@pytest.fixture
def impatient_registrar_server(
    settings: Any, registrar_server: RunningRegistrar
) -> RunningRegistrar:
    settings.HOSTING_TIMEOUT = SHORT_TIMEOUT
    return registrar_server


def api(
    registrar: RunningRegistrar,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str = "",
    auth: str | None = None,
    raw: bytes | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"Authorization": f"Bearer {registrar.config.key}" if auth is None else auth}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        registrar.url + path, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read()), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def contact(**fields: str) -> dict[str, str]:
    """A full contact payload: Ada's details unless given, every field a string."""
    values = {
        "name": "Ada Lovelace",
        "organisation": "Analytical Engines Ltd",
        "email": "ada@engines.example",
        "phone": "+442079460000",
        "address_line1": "12 Marylebone Road",
        "address_line2": "",
        "city": "London",
        "postal_code": "NW1 5LR",
        "region": "Greater London",
        "country": "GB",
    }
    return {**values, **fields}


def four_contacts(**fields: str) -> dict[str, dict[str, str]]:
    return {role: contact(**fields) for role in ROLES}


def register(
    registrar: RunningRegistrar, name: str, *, key: str = "", timeout: float = 10.0, **body: Any
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST /v1/domains for ``name`` with four contacts, one year, no ID protection."""
    payload = {"name": name, "years": 1, "contacts": four_contacts(), **body}
    return api(registrar, "POST", "/v1/domains", payload, key=key, timeout=timeout)
