"""The dashboard's "Hosting services" and "Domains" cards, filled by hosting through the
dashboard's card sources (accounts never imports hosting), and the area's navigation links:
each for who has the permission."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.hosting.models import Service, ServiceStatus
from tests.accounts.personas import add_authorised_user, sign_in
from tests.hosting.support import make_domain, make_service

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DASHBOARD = reverse("accounts:dashboard")


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_new_account_keeps_the_empty_cards(customer_client):
    page = text(customer_client.get(DASHBOARD))

    assert "Hosting services No hosting services yet. Order hosting" in page
    assert "Domains No domains yet." in page


def test_the_services_card_counts_by_status_and_gives_the_next_due_date(
    customer, customer_client, catalogue
):
    first = make_service(customer, due_in_days=9)
    make_service(customer, domain="two.com", due_in_days=30)
    make_service(customer, domain="three.com", status=ServiceStatus.SUSPENDED)
    ending = make_service(customer, domain="four.com", due_in_days=2)
    Service.objects.filter(pk=ending.pk).update(cancel_on=ending.next_due_on)

    page = text(customer_client.get(DASHBOARD))

    assert "Hosting services 3 active 1 suspended" in page
    assert f"Next due: {first.next_due_on:%-d %B %Y} Your services" in page


def test_the_domains_card_lists_those_expiring_soon(customer, customer_client):
    make_domain(customer, "later.com", expires_in_days=300)
    soon = make_domain(customer, "soon.com", expires_in_days=20)

    response = customer_client.get(DASHBOARD)

    assert "Domains 2 active Expiring soon: soon.com" in text(response)
    assert f"{soon.expires_on:%-d %b %Y}" in text(response)
    assert reverse("hosting:domain", args=["soon.com"]) in response.content.decode()
    assert "later.com" not in text(response)


def test_someone_without_the_permissions_sees_neither_card_nor_link(customer, catalogue):
    make_service(customer)
    make_domain(customer)
    colleague = add_authorised_user(customer, username="lin", email="lin@example.com")

    response = sign_in(Client(), colleague.user).get(DASHBOARD)

    assert "Hosting services" not in text(response)
    assert reverse("hosting:services") not in response.content.decode()
    assert reverse("hosting:domains") not in response.content.decode()


def test_the_navigation_marks_the_hosting_page_shown(customer, customer_client, catalogue):
    domain = make_domain(customer)

    services = customer_client.get(reverse("hosting:services")).content.decode()
    one_domain = customer_client.get(reverse("hosting:domain", args=[domain.name])).content.decode()

    assert f'<a href="{reverse("hosting:services")}" aria-current="page">Services</a>' in services
    assert f'<a href="{reverse("hosting:domains")}" aria-current="page">Domains</a>' in one_domain


def test_an_outsider_sees_only_their_own_counts(customer, outsider, catalogue):
    make_service(customer)
    make_domain(customer, expires_in_days=5)

    page = text(sign_in(Client(), outsider.user).get(DASHBOARD))

    assert "No hosting services yet." in page
    assert "ada-site.com" not in page
