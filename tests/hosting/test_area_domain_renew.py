"""Renewing a domain from its page: years, then the invoice to pay; the registrar renews once
it is paid. A refusal (a renewal already waiting) is said on the domain's page."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.hosting.models import Domain, DomainStatus, Order
from tests.accounts.personas import add_authorised_user, sign_in
from tests.hosting.support import make_domain, pay, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def renew_url(domain: Domain) -> str:
    return reverse("hosting:domain_renew", args=[domain.name])


def test_renewing_goes_to_the_invoice(customer, customer_client, catalogue, registrar_server):
    domain = make_domain(customer)

    response = customer_client.post(renew_url(domain), {"years": 2}, follow=True)

    order = Order.objects.get(renew_domain=domain)
    number = order.invoice.display_number
    assert order.renew_years == 2
    assert response.redirect_chain[-1][0] == reverse("billing:invoice", args=[number])
    assert f"Renewal of ada-site.com ordered: pay invoice {number} to renew it." in text(response)


def test_once_paid_the_registrar_renews_it(
    customer, customer_client, catalogue, servers, billing_staff
):
    _, registrar = servers
    from tests.hosting.registrar_server import register

    register(registrar, "ada-site.com")
    domain = make_domain(customer)
    before = domain.expires_on
    customer_client.post(renew_url(domain), {"years": 1})

    pay(Order.objects.get(renew_domain=domain).invoice, billing_staff)
    run_calls()

    domain.refresh_from_db()
    assert domain.expires_on != before


def test_a_second_renewal_waits_for_the_first_to_be_paid(
    customer, customer_client, catalogue, registrar_server
):
    domain = make_domain(customer)
    customer_client.post(renew_url(domain), {"years": 1})

    response = customer_client.post(renew_url(domain), {"years": 1})

    assert response.status_code == 200
    assert "A renewal of this domain is already waiting for payment" in text(response)
    assert Order.objects.filter(renew_domain=domain).count() == 1


def test_a_period_out_of_range_is_refused_on_its_field(
    customer, customer_client, catalogue, registrar_server
):
    domain = make_domain(customer)

    response = customer_client.post(renew_url(domain), {"years": 11})

    assert 'id="id_years_error"' in response.content.decode()
    assert "Renew for: choose 1 to 10 years." in text(response)
    assert not Order.objects.exists()


def test_a_domain_not_registered_cannot_be_renewed(
    customer, customer_client, catalogue, registrar_server
):
    domain = make_domain(customer, status=DomainStatus.FAILED)

    response = customer_client.post(renew_url(domain), {"years": 1})

    assert "Only a registered domain can be renewed." in text(response)


def test_someone_who_may_not_see_invoices_stays_on_the_domain(
    customer, catalogue, registrar_server
):
    domain = make_domain(customer)
    colleague = add_authorised_user(
        customer, username="lin", email="lin@example.com", permissions=["domains"]
    )

    response = sign_in(Client(), colleague.user).post(renew_url(domain), {"years": 1})

    assert response["Location"] == reverse("hosting:domain", args=[domain.name])


def test_only_a_post_by_the_account_renews_it(
    customer, customer_client, outsider_client, teammate_client, catalogue
):
    domain = make_domain(customer)

    assert customer_client.get(renew_url(domain), {"years": 1}).status_code == 405
    assert outsider_client.post(renew_url(domain), {"years": 1}).status_code == 404
    assert teammate_client.post(renew_url(domain), {"years": 1}).status_code == 403
    assert not Order.objects.exists()
