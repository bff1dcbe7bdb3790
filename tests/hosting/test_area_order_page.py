"""The customer's order form: plans with their prices in the account's currency, the domain it
serves (register, transfer with its auth code, one already held, none), what the registry
would publish of the registrant; one call to place_order, then the invoice to pay. Refusals
(a taken or invalid name, a registrar that does not answer) are said on their field."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clientvault.hosting.models import Domain, Order, Service
from tests.accounts.personas import add_authorised_user, sign_in
from tests.hosting.registrar_server import free_port
from tests.hosting.support import pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ORDER = reverse("hosting:order")


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "plan": plan("shared-plus").pk,
        "cycle": "monthly",
        "domain_choice": "register",
        "domain": "ada-new-site.com",
        "auth_code": "",
        "years": 1,
    }
    return {**data, **fields}


def error_on(response, field: str) -> str:
    found = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else ""


def test_it_shows_each_plan_with_its_prices(customer_client, catalogue, registrar_server):
    page = text(customer_client.get(ORDER))

    assert "Shared Plus 20 GB disk; EUR 7.99 monthly, EUR 23.25 every three months" in page
    assert "Off-site backups EUR 3.00 monthly" in page
    assert "Only a domain name, no hosting" in page


def test_it_says_what_each_registry_publishes_of_the_owner(
    customer_client, catalogue, registrar_server
):
    page = text(customer_client.get(ORDER))

    assert ".com EUR 12.00 Country (GB) Available" in page
    assert ".us EUR 11.00 Name (Ada Lovelace), E-mail address (ada@example.com)" in page
    assert "Not allowed: the registry publishes these details" in page
    assert "the registrar's website (opens the registrar's own site" in page


def test_a_colleague_sees_which_details_are_published_but_not_the_owners_values(
    customer, catalogue, registrar_server
):
    colleague = add_authorised_user(
        customer, username="lin", email="lin@example.com", permissions=["services"]
    )
    page = text(sign_in(Client(), colleague.user).get(ORDER))

    assert ".us EUR 11.00 Name, E-mail address, Telephone" in page
    assert "ada@example.com" not in page


def test_an_order_goes_to_its_invoice_to_pay(customer, customer_client, catalogue, servers):
    response = customer_client.post(ORDER, form(), follow=True)

    order = Order.objects.get(customer=customer.customer)
    number = order.invoice.display_number
    assert response.redirect_chain[-1][0] == reverse("billing:invoice", args=[number])
    assert f"Order {order.number} placed: pay invoice {number} to start." in text(response)
    assert Service.objects.get(order=order).domain == "ada-new-site.com"
    assert Domain.objects.get(order=order).name == "ada-new-site.com"


def test_someone_who_may_not_see_invoices_goes_to_the_services(customer, catalogue, servers):
    colleague = add_authorised_user(
        customer, username="lin", email="lin@example.com", permissions=["services"]
    )
    response = sign_in(Client(), colleague.user).post(ORDER, form(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("hosting:services")
    assert "starts once invoice" in text(response)


def test_a_transfer_needs_its_auth_code(customer_client, catalogue, servers):
    response = customer_client.post(
        ORDER, form(domain_choice="transfer", domain="transfer-mine.com")
    )

    assert error_on(response, "auth_code") == "Auth code (EPP code): this is needed."
    assert not Order.objects.exists()


def test_a_transfer_sends_its_auth_code_once_paid(
    customer, customer_client, catalogue, servers, billing_staff
):
    customer_client.post(
        ORDER,
        form(domain_choice="transfer", domain="transfer-mine.com", auth_code="EPP-good-123"),
    )

    domain = Domain.objects.get(name="transfer-mine.com")
    pay(domain.order.invoice, billing_staff)
    run_calls()
    domain.refresh_from_db()
    assert (domain.action, domain.status) == ("transfer", "active")


def test_a_taken_name_is_refused_on_the_domain_field(customer_client, catalogue, servers):
    response = customer_client.post(ORDER, form(domain="taken-name.com"))

    assert "taken-name.com is already registered." in error_on(response, "domain")
    assert not Order.objects.exists()


def test_an_invalid_name_says_what_is_wrong(customer_client, catalogue, servers):
    response = customer_client.post(ORDER, form(domain="-bad.com"))

    assert "cannot start or end with a hyphen" in error_on(response, "domain")


def test_a_registrar_that_does_not_answer_is_said_and_nothing_is_ordered(
    customer_client, catalogue, settings
):
    cache.clear()
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"

    response = customer_client.post(ORDER, form())

    assert response.status_code == 200
    assert "We could not check ada-new-site.com at the registrar" in error_on(response, "domain")
    assert "Unknown just now: the registrar did not answer" in text(response)
    assert not Order.objects.exists()


def test_id_protection_is_refused_where_the_registry_forbids_it(
    customer_client, catalogue, servers
):
    response = customer_client.post(ORDER, form(domain="ada-site.us", id_protection="on"))

    assert "The .us registry does not allow ID protection" in error_on(response, "id_protection")


def test_hosting_needs_a_domain_but_an_add_on_does_not(customer, customer_client, catalogue):
    refused = customer_client.post(ORDER, form(domain_choice="none", domain=""))
    customer_client.post(ORDER, form(plan=plan("addon-backup").pk, domain_choice="none"))

    assert "Shared hosting needs the domain it serves." in error_on(refused, "domain")
    service = Service.objects.get(customer=customer.customer)
    assert (service.plan, service.domain) == (plan("addon-backup"), "")
    assert not Domain.objects.exists()


def test_a_domain_already_held_elsewhere_is_served_without_registering(
    customer, customer_client, catalogue
):
    customer_client.post(ORDER, form(domain_choice="existing", domain="Bücher.example"))

    assert Service.objects.get(customer=customer.customer).domain == "xn--bcher-kva.example"
    assert not Domain.objects.exists()


def test_a_domain_name_alone_is_ordered_without_hosting(
    customer, customer_client, catalogue, servers
):
    customer_client.post(ORDER, form(plan="domain", years=2))

    domain = Domain.objects.get(customer=customer.customer)
    assert (domain.name, domain.years) == ("ada-new-site.com", 2)
    assert not Service.objects.exists()


def test_a_domain_name_alone_must_be_registered_or_transferred(customer_client, catalogue):
    response = customer_client.post(ORDER, form(plan="domain", domain_choice="existing"))

    assert "to order only a domain name, register or transfer one" in error_on(
        response, "domain_choice"
    )


def test_nothing_chosen_names_each_missing_choice(customer_client, catalogue):
    response = customer_client.post(ORDER, {})

    assert error_on(response, "plan") == "Plan: choose a plan."
    assert error_on(response, "cycle") == "Billing cycle: choose how often to pay."


def test_a_teammate_without_the_services_permission_is_refused(teammate_client, catalogue):
    assert teammate_client.get(ORDER).status_code == 403
    assert teammate_client.post(ORDER, form()).status_code == 403
    assert not Order.objects.exists()
