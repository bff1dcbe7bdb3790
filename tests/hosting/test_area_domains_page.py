"""The customer's domains: the list (status and the registrar's reason, expiry, auto-renew, ID
protection) and one domain (its state, the four contacts, what the registry publishes of each,
its history, the registrar's site); only the account's own, for the domains permission."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from clientvault.hosting.models import (
    Domain,
    DomainAction,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
)
from clientvault.hosting.services.contacts import ContactInput, add_contact
from clientvault.hosting.services.domains import renew_domain
from tests.hosting.registrar_server import free_port
from tests.hosting.support import SYSTEM, make_domain

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DOMAINS = reverse("hosting:domains")
TOM = ContactInput(
    name="Tom Tech",
    organisation="Tech Ltd",
    email="tom@tech.example",
    phone="+44 20 7946 0999",
    address_line1="1 High Street",
    city="Leeds",
    postal_code="LS1 1AA",
    country="GB",
)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def detail(domain: Domain) -> str:
    return reverse("hosting:domain", args=[domain.name])


def with_tech(domain: Domain, customer) -> Domain:
    tom = add_contact(customer=customer.customer, data=TOM, actor=SYSTEM)
    Domain.objects.filter(pk=domain.pk).update(tech=tom)
    domain.refresh_from_db()
    return domain


def test_it_lists_each_domain_with_its_expiry_and_settings(customer, customer_client):
    domain = make_domain(customer)
    Domain.objects.filter(pk=domain.pk).update(id_protection=True, auto_renew=False)

    page = text(customer_client.get(DOMAINS))

    assert f"ada-site.com Active {domain.expires_on:%-d %b %Y} No On" in page


def test_a_domain_the_registrar_refused_shows_why(customer, customer_client):
    domain = make_domain(customer, status=DomainStatus.FAILED)
    Domain.objects.filter(pk=domain.pk).update(status_reason="The domain is already registered.")

    assert "Not registered The domain is already registered." in text(customer_client.get(DOMAINS))


def test_an_account_without_domains_sees_the_empty_state(customer_client):
    page = text(customer_client.get(DOMAINS))

    assert "No domains yet." in page
    assert "Order a domain name, with or without hosting" in page


def test_another_accounts_domains_are_neither_listed_nor_found(customer, outsider_client):
    domain = make_domain(customer)

    assert "ada-site.com" not in text(outsider_client.get(DOMAINS))
    assert outsider_client.get(detail(domain)).status_code == 404


def test_a_teammate_without_the_domains_permission_is_refused(customer, teammate_client):
    domain = make_domain(customer)

    assert teammate_client.get(DOMAINS).status_code == 403
    assert teammate_client.get(detail(domain)).status_code == 403


def test_it_says_until_when_it_is_registered(customer, customer_client, registrar_server):
    domain = make_domain(customer)

    page = text(customer_client.get(detail(domain)))

    assert f"Registered until {domain.expires_on:%-d %B %Y}. It renews automatically" in page


def test_it_shows_who_each_contact_is(customer, customer_client, registrar_server):
    domain = with_tech(make_domain(customer), customer)

    page = text(customer_client.get(detail(domain)))

    assert "Registrant Holds the domain name" in page
    assert "Ada Lovelace (account owner) ada@example.com United Kingdom" in page
    assert "Technical contact Looks after the domain's name servers" in page
    assert "Tom Tech (outside contact) tom@tech.example United Kingdom" in page


def test_it_lists_what_the_registry_publishes_of_each_contact(
    customer, customer_client, registrar_server
):
    domain = with_tech(make_domain(customer), customer)

    page = text(customer_client.get(detail(domain)))

    assert "Registrant , Ada Lovelace: Country (GB)" in page
    assert "Technical contact , Tom Tech: Organisation (Tech Ltd), Country (GB)" in page
    assert "Billing contact , Ada Lovelace: never published" in page


def test_a_registry_that_publishes_everything_forbids_id_protection(
    customer, customer_client, registrar_server
):
    domain = make_domain(customer, "ada-site.us")

    response = customer_client.get(detail(domain))

    page = text(response)
    assert (
        "Registrant , Ada Lovelace: Name (Ada Lovelace), E-mail address (ada@example.com)" in page
    )
    assert "The .us registry does not allow ID protection" in page
    assert re.search(
        r'<input type="checkbox" name="id_protection"[^>]* disabled', response.content.decode()
    )


def test_with_id_protection_only_the_country_is_published(
    customer, customer_client, registrar_server
):
    domain = with_tech(make_domain(customer), customer)
    Domain.objects.filter(pk=domain.pk).update(id_protection=True)

    page = text(customer_client.get(detail(domain)))

    assert "Technical contact , Tom Tech: Country (GB)" in page


def test_a_registrar_that_does_not_answer_shows_all_that_may_be_published(
    customer, customer_client, settings
):
    cache.clear()
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"
    domain = make_domain(customer)

    page = text(customer_client.get(detail(domain)))

    assert "we cannot tell what the .com registry publishes" in page
    assert "Registrant , Ada Lovelace: Name (Ada Lovelace), E-mail address" in page


def test_the_registrars_site_is_a_partner_link(customer, customer_client, registrar_server):
    domain = make_domain(customer)

    body = customer_client.get(detail(domain)).content.decode()

    assert f'<a href="{registrar_server.url}/" rel="noopener noreferrer"' in body
    assert "(opens the registrar&#x27;s own site, which has its own privacy practices)" in body


def test_a_refused_transfer_gives_the_reason_and_asks_for_a_new_code(
    customer, customer_client, registrar_server
):
    domain = make_domain(customer, "old-code.net", status=DomainStatus.FAILED)
    Domain.objects.filter(pk=domain.pk).update(
        action=DomainAction.TRANSFER, status_reason="The auth code has expired."
    )

    page = text(customer_client.get(detail(domain)))

    assert "Not transferred in: The auth code has expired. You can try again below." in page
    assert "New auth code (EPP code)" in page


def test_a_registration_waiting_for_the_registrar_says_when_it_is_tried_again(
    customer, customer_client, registrar_server
):
    domain = make_domain(customer, status=DomainStatus.REGISTERING)
    Domain.objects.filter(pk=domain.pk).update(
        status_reason="The registrar did not answer. We try again at 10:05."
    )

    page = text(customer_client.get(detail(domain)))

    assert "Being registered at the registrar. The registrar did not answer. We try again" in page


def test_a_renewal_waiting_for_payment_links_its_invoice(
    customer, customer_client, catalogue, registrar_server
):
    domain = make_domain(customer)
    order = renew_domain(domain=domain, years=1, actor=SYSTEM)

    page = text(customer_client.get(detail(domain)))

    assert f"A renewal is waiting for payment: pay invoice {order.invoice.display_number}" in page


def test_it_shows_the_domains_history(customer, customer_client, registrar_server):
    domain = make_domain(customer)
    DomainEvent.objects.create(
        domain=domain, kind=DomainEventKind.RENEWED, detail="until 1 May 2030", at=timezone.now()
    )

    assert "Renewed until 1 May 2030" in text(customer_client.get(detail(domain)))


def test_an_internationalised_name_is_shown_as_people_read_it(
    customer, customer_client, registrar_server
):
    domain = make_domain(customer, "xn--bcher-kva.com")

    assert "bücher.com" in text(customer_client.get(DOMAINS))
    assert "In the registry xn--bcher-kva.com" in text(customer_client.get(detail(domain)))
