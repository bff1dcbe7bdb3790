"""The auth code to move a domain to another registrar: asked of the registrar on a POST,
shown on that answer only (never cached, never kept); a refusal is said on the domain's page."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import Domain, DomainStatus
from clientvault.privacy.models import AuditEvent
from tests.hosting.registrar_server import register
from tests.hosting.support import make_domain

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain) -> str:
    return reverse("hosting:domain_auth_code", args=[domain.name])


def test_the_code_is_shown_once_and_not_kept(customer, customer_client, registrar_server):
    register(registrar_server, "ada-site.com")
    domain = make_domain(customer)

    response = customer_client.post(url(domain))

    (held,) = registrar_server.store.domains()
    assert f'value="{held["auth_code"]}"' in response.content.decode()
    assert "it is shown only this once" in text(response)
    assert "no-store" in response["Cache-Control"]
    domain.refresh_from_db()
    assert held["auth_code"] not in str(domain.auth_code)
    assert AuditEvent.objects.filter(action="domain.auth_code_shown").count() == 1


def test_a_registrar_that_refuses_is_said_on_the_page(customer, customer_client, registrar_server):
    domain = make_domain(customer, "never-registered.com")  # unknown to the registrar

    response = customer_client.post(url(domain))

    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()
    assert "Move to another registrar" in text(response)


def test_a_domain_not_active_has_no_code(customer, customer_client, registrar_server):
    domain = make_domain(customer, status=DomainStatus.EXPIRED)

    response = customer_client.post(url(domain))

    assert "Only an active domain can be transferred out." in text(response)


def test_only_a_post_by_the_account_gets_it(
    customer, customer_client, outsider_client, teammate_client, registrar_server
):
    register(registrar_server, "ada-site.com")
    domain = make_domain(customer)

    assert customer_client.get(url(domain)).status_code == 405
    assert outsider_client.post(url(domain)).status_code == 404
    assert teammate_client.post(url(domain)).status_code == 403
