"""Turning ID protection on or off from a domain's page: the registrar is asked (a queued
call); a registry that forbids it is said on the field, and the box is disabled there."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import CallAction, Domain, DomainStatus
from tests.hosting.registrar_server import register
from tests.hosting.support import calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain) -> str:
    return reverse("hosting:domain_id_protection", args=[domain.name])


def test_turning_it_on_asks_the_registrar(customer, customer_client, registrar_server):
    register(registrar_server, "ada-site.com")
    domain = make_domain(customer)

    response = customer_client.post(url(domain), {"id_protection": "on"}, follow=True)

    assert "The registrar is turning ID protection on" in text(response)
    assert "Changing ID protection at the registrar." in text(response)
    run_calls()
    domain.refresh_from_db()
    assert domain.id_protection is True
    (held,) = registrar_server.store.domains()
    assert held["id_protection"]


def test_the_same_setting_asks_nothing(customer, customer_client, registrar_server):
    domain = make_domain(customer)

    response = customer_client.post(url(domain), {}, follow=True)

    assert "ID protection is already off." in text(response)
    assert not calls(action=CallAction.SET_ID_PROTECTION)


def test_a_registry_that_forbids_it_is_said_on_the_field(
    customer, customer_client, registrar_server
):
    domain = make_domain(customer, "ada-site.us")

    response = customer_client.post(url(domain), {"id_protection": "on"})

    assert 'id="id_id_protection_error"' in response.content.decode()
    assert "The .us registry does not allow ID protection" in text(response)
    assert not calls(action=CallAction.SET_ID_PROTECTION)


def test_a_domain_not_registered_yet_cannot_change_it(customer, customer_client, registrar_server):
    domain = make_domain(customer, status=DomainStatus.PENDING)

    response = customer_client.post(url(domain), {"id_protection": "on"})

    assert "ID protection can be changed on an active domain." in text(response)
    assert not calls(action=CallAction.SET_ID_PROTECTION)


def test_only_a_post_by_the_account_changes_it(
    customer, customer_client, outsider_client, teammate_client
):
    domain = make_domain(customer)

    assert customer_client.get(url(domain), {"id_protection": "on"}).status_code == 405
    assert outsider_client.post(url(domain), {"id_protection": "on"}).status_code == 404
    assert teammate_client.post(url(domain), {"id_protection": "on"}).status_code == 403
    assert not calls(action=CallAction.SET_ID_PROTECTION)
