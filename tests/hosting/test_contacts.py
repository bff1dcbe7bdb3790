"""Domain contacts: validated like a profile, changed per role, sent to the registrar with only
what the profile allows, each hand-over one entry in the register (CTL-3, SHR-2)."""

from __future__ import annotations

import pytest

from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import CallAction, Domain, DomainEventKind
from clientvault.hosting.services.contacts import (
    ContactInput,
    add_contact,
    assign_contacts,
    clean_contact,
    update_contact,
)
from clientvault.hosting.services.handover import published
from clientvault.privacy.models import Disclosure, Subject
from tests.hosting.support import calls, order_hosting, pay, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

GRACE = ContactInput(
    name="Grace Hopper",
    organisation="",
    email="grace@tech.example",
    phone="+44 20 7946 0958",
    address_line1="1 Harbour Lane",
    city="London",
    postal_code="SW1A 1AA",
    country="GB",
)


@pytest.fixture
def registered(customer, catalogue, servers, billing_staff) -> Domain:
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return order.domains.get()


def _with(**changes: str) -> ContactInput:
    return ContactInput(**{**GRACE.__dict__, **changes})


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "", "organisation": ""}, "name", "name, or the organisation"),
        ({"email": "grace@"}, "email", "E-mail address: Enter a valid e-mail"),
        ({"phone": "+44 20 7946"}, "phone", "not a valid telephone number for GB"),
        ({"country": "XX"}, "country", "Country: Choose a country"),
        ({"postal_code": "12345"}, "postal_code", "not a valid postal code"),
        ({"city": "Lon\x00don"}, "city", "Town or city"),
    ],
)
def test_a_contact_is_checked_field_by_field(changes, field, words):
    with pytest.raises(HostingError) as refused:
        clean_contact(_with(**changes))
    assert refused.value.field == field
    assert words in refused.value.text


def test_a_national_phone_number_is_read_for_the_contact_country():
    assert clean_contact(_with(phone="020 7946 0958")).phone == "+442079460958"


def test_an_outside_contact_is_a_subject_of_its_own(customer, catalogue):
    contact = add_contact(customer=customer.customer, data=GRACE, actor=customer.user)
    assert contact.subject_id != customer.subject_id
    assert Subject.objects.filter(pk=contact.subject_id).exists()
    assert str(contact.email) == "grace@tech.example"


def test_a_new_technical_contact_is_sent_and_registered_once(registered, customer, servers):
    _, registrar = servers
    grace = add_contact(customer=customer.customer, data=GRACE, actor=customer.user)
    changed = assign_contacts(domain=registered, roles={"tech": grace}, actor=customer.user)
    assert changed == ["tech"]
    run_calls()
    (held,) = registrar.store.domains()
    assert held["contacts"]["tech"]["email"] == "grace@tech.example"
    assert held["contacts"]["admin"]["email"] != "grace@tech.example"
    entry = Disclosure.objects.get(subject_id=grace.subject_id)
    assert entry.recipient_kind == "registrar"
    assert "Update contacts" in entry.reference
    assert registered.events.filter(kind=DomainEventKind.CONTACTS_CHANGED).exists()


def test_editing_a_contact_updates_every_domain_that_uses_it(registered, customer, servers):
    _, registrar = servers
    contact = registered.registrant
    data = ContactInput(**{**GRACE.__dict__, "name": "Ada Lovelace", "email": "ada@new.example"})
    update_contact(contact=contact, data=data, actor=customer.user)
    assert len(calls(action=CallAction.UPDATE_CONTACTS)) == 1
    run_calls()
    (held,) = registrar.store.domains()
    assert {c["email"] for c in held["contacts"].values()} == {"ada@new.example"}


def test_an_unchanged_contact_is_not_sent_again(registered, customer):
    from clientvault.hosting.services.contacts import contact_values

    update_contact(
        contact=registered.registrant,
        data=contact_values(registered.registrant),
        actor=customer.user,
    )
    assert not calls(action=CallAction.UPDATE_CONTACTS)


def test_only_the_profile_registrar_categories_leave(registered, customer, servers, settings):
    """Seed 000's stance sends the registrar names (and card data) only: no address, no e-mail."""
    from clientvault.privacy.profile import PRESETS_DIR, current_profile

    _, registrar = servers
    settings.CLIENTVAULT_POLICY = PRESETS_DIR / "no-sharing-registrar-with-card.toml"
    current_profile.cache_clear()
    grace = add_contact(customer=customer.customer, data=GRACE, actor=customer.user)
    assign_contacts(domain=registered, roles={"tech": grace}, actor=customer.user)
    run_calls()
    (held,) = registrar.store.domains()
    sent = held["contacts"]["tech"]
    assert sent["name"] == "Grace Hopper"
    assert sent["email"] == sent["phone"] == sent["address_line1"] == sent["country"] == ""
    assert Disclosure.objects.get(subject_id=grace.subject_id).categories == ["user.name"]


def test_what_the_registry_publishes_is_told_before_saving(registered):
    shown = published(tld="us", role="registrant", data=GRACE, id_protection=False)
    assert shown is not None
    assert "E-mail address" in shown.labels
    assert shown.id_protection_allowed is False
    hidden = published(tld="com", role="registrant", data=GRACE, id_protection=True)
    assert hidden is not None
    assert hidden.fields == ("country",)
    billing = published(tld="us", role="billing", data=GRACE, id_protection=False)
    assert billing is not None
    assert billing.fields == ()


def test_a_contact_of_another_account_cannot_be_given_a_role(registered, outsider):
    theirs = add_contact(customer=outsider.customer, data=GRACE, actor=outsider.user)
    with pytest.raises(HostingError, match="this account's contacts"):
        assign_contacts(domain=registered, roles={"tech": theirs}, actor=outsider.user)
