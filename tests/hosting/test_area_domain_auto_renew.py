"""Switching a domain's automatic renewal on or off from its page (set_auto_renew)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clientvault.hosting.models import Domain
from tests.hosting.support import make_domain

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain) -> str:
    return reverse("hosting:domain_auto_renew", args=[domain.name])


def test_an_unticked_box_turns_it_off(customer, customer_client, registrar_server):
    domain = make_domain(customer)

    response = customer_client.post(url(domain), {}, follow=True)

    domain.refresh_from_db()
    assert domain.auto_renew is False
    assert "ada-site.com no longer renews by itself." in text(response)
    assert "It does not renew by itself" in text(response)


def test_a_ticked_box_turns_it_on(customer, customer_client, registrar_server):
    domain = make_domain(customer)
    Domain.objects.filter(pk=domain.pk).update(auto_renew=False)

    response = customer_client.post(url(domain), {"auto_renew": "on"}, follow=True)

    domain.refresh_from_db()
    assert domain.auto_renew is True
    assert "ada-site.com now renews automatically." in text(response)


def test_only_a_post_by_the_account_changes_it(
    customer, customer_client, outsider_client, teammate_client
):
    domain = make_domain(customer)

    assert customer_client.get(url(domain)).status_code == 405
    assert outsider_client.post(url(domain), {}).status_code == 404
    assert teammate_client.post(url(domain), {}).status_code == 403
    domain.refresh_from_db()
    assert domain.auto_renew is True
