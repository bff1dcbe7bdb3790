"""Trying a registration or transfer the registrar refused again, from the domain's page (a
transfer with a new auth code); the domain is then being registered, and no twice."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import CallAction, Domain, DomainAction, DomainStatus
from tests.hosting.support import calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain) -> str:
    return reverse("hosting:domain_retry", args=[domain.name])


def a_refused_transfer(customer) -> Domain:
    domain = make_domain(customer, "transfer-mine.com", status=DomainStatus.FAILED)
    Domain.objects.filter(pk=domain.pk).update(
        action=DomainAction.TRANSFER, status_reason="The auth code has expired."
    )
    domain.refresh_from_db()
    return domain


def test_a_transfer_is_tried_again_with_a_new_code(customer, customer_client, registrar_server):
    domain = a_refused_transfer(customer)

    response = customer_client.post(url(domain), {"auth_code": "EPP-good-123"}, follow=True)

    assert "Trying again: transfer-mine.com is sent to the registrar." in text(response)
    assert "Being transferred in at the registrar." in text(response)
    assert [c.action for c in calls(domain=domain)] == [CallAction.TRANSFER]
    run_calls()
    domain.refresh_from_db()
    assert domain.status == DomainStatus.ACTIVE


def test_a_second_try_while_the_first_runs_is_refused(customer, customer_client, registrar_server):
    domain = a_refused_transfer(customer)
    customer_client.post(url(domain), {"auth_code": "EPP-good-123"})

    response = customer_client.post(url(domain), {"auth_code": "EPP-good-123"})

    assert "Only a domain that was not registered can be tried again." in text(response)
    assert len(calls(domain=domain)) == 1


def test_a_code_too_long_is_refused_on_its_field(customer, customer_client, registrar_server):
    domain = a_refused_transfer(customer)

    response = customer_client.post(url(domain), {"auth_code": "x" * 65})

    assert 'id="id_auth_code_error"' in response.content.decode()
    assert not calls(domain=domain)


def test_only_a_post_by_the_account_retries(
    customer, customer_client, outsider_client, teammate_client
):
    domain = a_refused_transfer(customer)

    assert customer_client.get(url(domain)).status_code == 405
    assert outsider_client.post(url(domain), {}).status_code == 404
    assert teammate_client.post(url(domain), {}).status_code == 403
    assert not calls(domain=domain)
