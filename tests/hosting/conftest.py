"""Fixtures for hosting's tests (see tests/hosting/support.py)."""

from __future__ import annotations

import pytest

from clientvault.accounts.models import User
from clientvault.hosting.services.catalogue import ensure_catalogue
from tests.accounts import personas
from tests.hosting.panel_server import hanging_panel_server, panel_server
from tests.hosting.registrar_server import impatient_registrar_server, registrar_server

customer = personas.customer
outsider = personas.outsider
teammate = personas.teammate
staff = personas.staff
customer_client = personas.customer_client
teammate_client = personas.teammate_client
outsider_client = personas.outsider_client
staff_client = personas.staff_client
__all__ = [
    "hanging_panel_server",
    "impatient_registrar_server",
    "panel_server",
    "registrar_server",
]


@pytest.fixture(autouse=True)
def _fresh_registry_rules():
    """The registries' rules are cached for an hour; each test asks its own registrar."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(db: None) -> None:
    ensure_catalogue()


@pytest.fixture
def billing_staff(staff) -> User:
    return staff("billing")


@pytest.fixture
def servers(panel_server, registrar_server):
    """Both outside systems running: the panel and the registrar."""
    return panel_server, registrar_server
