# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Hosting's hook for sections of a service's page: each registered section is called with the
service's reference and account number; a SafeString is shown as it is, plain text escaped,
"" left out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe

from clientvault.hosting import sections
from clientvault.hosting.services.catalogue import ensure_catalogue
from tests.accounts.personas import customer, customer_client  # noqa: F401
from tests.hosting.support import make_service

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

calls: list[tuple[str, str]] = []


def shown(*, reference: str, account: str) -> str:
    calls.append((reference, account))
    return mark_safe(f'<section id="probe"><h2>Probe for {reference}</h2></section>')


def plain(*, reference: str, account: str) -> str:
    return "<b>not markup</b>"


def nothing(*, reference: str, account: str) -> str:
    return ""


@pytest.fixture
def probes() -> Iterator[None]:
    calls.clear()
    for section in (shown, plain, nothing):
        sections.register_service_section(section)
    yield
    for section in (shown, plain, nothing):
        sections.unregister_service_section(section)


def test_sections_are_called_with_the_service_and_its_account(probes):
    found = sections.service_sections(reference="svc-1", account="CV-1")
    assert calls == [("svc-1", "CV-1")]
    assert len(found) == 2  # the empty one is left out


def test_registering_twice_adds_a_section_once(probes):
    sections.register_service_section(shown)
    sections.service_sections(reference="svc-1", account="CV-1")
    assert len(calls) == 1


def test_the_service_page_shows_each_section(probes, customer, customer_client):
    ensure_catalogue()
    service = make_service(customer, domain="ada-site.com")
    page = customer_client.get(reverse("hosting:service", args=[service.reference]))
    body = page.content.decode()
    assert f"<h2>Probe for {service.reference}</h2>" in body
    assert "&lt;b&gt;not markup&lt;/b&gt;" in body
    assert calls == [(service.reference, customer.customer.number)]
