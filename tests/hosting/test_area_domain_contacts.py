"""Choosing a domain's four contacts from the customer area: one of the account's contacts or
people, or a new outside contact typed in. A change that would publish someone's details in the
registry lists exactly what, of whom, and is saved only once that list is ticked."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from clientvault.hosting.models import CallAction, Domain, DomainContact, DomainEvent
from tests.accounts.personas import add_authorised_user
from tests.hosting.registrar_server import free_port, register
from tests.hosting.support import calls, make_domain, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

TOM = {
    "name": "Tom Tech",
    "organisation": "Tech Ltd",
    "email": "tom@tech.example",
    "phone": "+44 20 7946 0999",
    "address_line1": "1 High Street",
    "city": "Leeds",
    "postal_code": "LS1 1AA",
    "country": "GB",
}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(domain: Domain) -> str:
    return reverse("hosting:domain_contacts", args=[domain.name])


def roles(domain: Domain, **chosen: str) -> dict[str, str]:
    current = {
        r: f"contact:{getattr(domain, f'{r}_id')}"
        for r in ("registrant", "admin", "tech", "billing")
    }
    return {**current, **chosen}


def key_in(response) -> str:
    found = re.search(r'name="publication_key" value="([0-9a-f]+)"', response.content.decode())
    assert found, "no list to confirm"
    return found.group(1)


@pytest.fixture
def domain(customer, registrar_server) -> Domain:
    register(registrar_server, "ada-site.com")
    return make_domain(customer)


def test_each_role_offers_the_accounts_contacts_people_and_a_new_one(
    customer, customer_client, domain
):
    colleague = add_authorised_user(customer, username="lin", email="lin@example.com")

    body = customer_client.get(url(domain)).content.decode()

    assert (
        f'<option value="contact:{domain.tech_id}" selected>'
        "Ada Lovelace, ada@example.com (account owner)</option>" in body
    )
    assert (
        f'<option value="person:{colleague.pk}">'
        "Lin Teammate, lin@example.com (authorised user)</option>" in body
    )
    assert '<option value="new">A new outside contact (below)</option>' in body
    assert 'autocomplete="section-contact email"' in body


def test_a_new_technical_contact_shows_what_becomes_public_before_saving(customer_client, domain):
    response = customer_client.post(url(domain), {**roles(domain, tech="new"), **TOM})

    page = text(response)
    assert "One more step: this change makes personal details public in the registry." in page
    assert (
        "Tom Tech, tom@tech.example (new outside contact) , as technical contact of ada-site.com:"
        " Organisation (Tech Ltd), Country (GB)."
    ) in page
    assert "Save and publish" in page
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id
    assert not DomainContact.objects.filter(person__isnull=True).exists()


def test_once_ticked_it_is_saved_and_the_registrar_receives_it(
    customer_client, domain, registrar_server
):
    data = {**roles(domain, tech="new"), **TOM}
    key = key_in(customer_client.post(url(domain), data))

    response = customer_client.post(
        url(domain), {**data, "publication_key": key, "confirm_publication": "on"}, follow=True
    )

    assert "Saved the technical contact of ada-site.com. The registrar is being told." in text(
        response
    )
    domain.refresh_from_db()
    assert str(domain.tech.email) == "tom@tech.example"
    assert domain.events.filter(kind="contacts_changed", detail="technical").exists()
    assert [c.action for c in calls(domain=domain)] == [CallAction.UPDATE_CONTACTS]
    run_calls()
    (held,) = registrar_server.store.domains()
    assert held["contacts"]["tech"]["name"] == "Tom Tech"
    assert held["contacts"]["admin"]["name"] == "Ada Lovelace"


def test_sent_again_without_the_tick_it_asks_for_it(customer_client, domain):
    data = {**roles(domain, tech="new"), **TOM}
    key = key_in(customer_client.post(url(domain), data))

    response = customer_client.post(url(domain), {**data, "publication_key": key})

    assert "Tick the box to save and publish these details" in text(response)
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id


def test_a_tick_given_for_another_list_does_not_count(customer_client, domain):
    data = {**roles(domain, tech="new"), **TOM}
    key = key_in(customer_client.post(url(domain), data))

    response = customer_client.post(
        url(domain),
        {**data, "organisation": "Other Ltd", "publication_key": key, "confirm_publication": "on"},
    )

    assert "What becomes public has changed since you last saw it." in text(response)
    assert "Organisation (Other Ltd)" in text(response)
    assert (
        'name="confirm_publication" id="id_confirm_publication" checked'
        not in response.content.decode()
    )
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id


def test_a_change_that_publishes_nothing_is_saved_at_once(customer, customer_client, domain):
    response = customer_client.post(
        url(domain), {**roles(domain, billing="new"), **TOM}, follow=True
    )

    assert "Saved the billing contact of ada-site.com." in text(response)
    domain.refresh_from_db()
    assert str(domain.billing.name) == "Tom Tech"


def test_a_person_on_the_account_becomes_a_contact(customer, customer_client, domain):
    colleague = add_authorised_user(customer, username="lin", email="lin@example.com")

    customer_client.post(url(domain), roles(domain, admin=f"person:{colleague.pk}"))

    domain.refresh_from_db()
    assert domain.admin.person == colleague
    assert domain.admin.subject_id == colleague.subject_id


def test_with_id_protection_only_the_country_is_listed(customer_client, domain):
    Domain.objects.filter(pk=domain.pk).update(id_protection=True)

    response = customer_client.post(url(domain), {**roles(domain, tech="new"), **TOM})

    assert "as technical contact of ada-site.com: Country (GB)." in text(response)


def test_a_registrar_that_does_not_answer_lists_all_that_may_be_published(
    customer_client, domain, settings
):
    cache.clear()
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"

    response = customer_client.post(url(domain), {**roles(domain, tech="new"), **TOM})

    page = text(response)
    assert "Name (Tom Tech), Organisation (Tech Ltd), E-mail address (tom@tech.example)" in page
    assert "we cannot tell which of these it publishes: it may be all of them" in page


def test_an_invalid_new_contact_is_refused_on_its_field(customer_client, domain):
    response = customer_client.post(
        url(domain), {**roles(domain, tech="new"), **TOM, "phone": "12"}
    )

    assert 'id="id_phone_error"' in response.content.decode()
    assert "One more step" not in text(response)
    assert not DomainContact.objects.filter(person__isnull=True).exists()


def test_the_new_contacts_fields_are_needed_only_when_it_is_chosen(customer_client, domain):
    refused = customer_client.post(url(domain), roles(domain, tech="new"))

    assert "E-mail address: this is needed." in text(refused)
    ok = customer_client.post(url(domain), roles(domain), follow=True)
    assert "Nothing changed: each role already has that contact." in text(ok)
    assert not DomainEvent.objects.filter(kind="contacts_changed").exists()


def test_another_accounts_contact_cannot_be_chosen(customer_client, outsider, domain):
    from clientvault.hosting.services.contacts import contact_for_person

    theirs = contact_for_person(person=outsider, actor=None)

    response = customer_client.post(url(domain), roles(domain, tech=f"contact:{theirs.pk}"))

    assert "Technical contact: choose a contact." in text(response)
    domain.refresh_from_db()
    assert domain.tech_id != theirs.pk


def test_others_cannot_change_them(customer, outsider_client, teammate_client, domain):
    data = {**roles(domain, tech="new"), **TOM}

    assert outsider_client.get(url(domain)).status_code == 404
    assert outsider_client.post(url(domain), data).status_code == 404
    assert teammate_client.post(url(domain), data).status_code == 403
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id


def test_a_cancelled_domains_contacts_are_not_changed(customer, customer_client, domain):
    Domain.objects.filter(pk=domain.pk).update(status="cancelled")

    response = customer_client.post(url(domain), {**roles(domain, tech="new"), **TOM}, follow=True)

    assert "ada-site.com was cancelled: it has no contacts to change." in text(response)
    domain.refresh_from_db()
    assert domain.tech_id == domain.registrant_id
