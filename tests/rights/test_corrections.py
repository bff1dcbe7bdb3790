# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A correction (Art. 16): asked by the person, approved by staff, applied through the accounts
app's own service, and told to every recipient who received the old value (Art. 19)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import Person, ProfileChange, StaffRole
from clientvault.accounts.services.corrections import correct_person_field
from clientvault.accounts.services.customers import EMAIL_BY_LINK
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import Disclosure
from clientvault.privacy.services.disclosures import disclose
from clientvault.rights.models import RightsRequest, Status
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.rights.helpers import confirmed_client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

PHONE = "accounts.Person.phone"
PHONE_CATEGORY = "user.contact.phone_number"
NEW_PHONE = "020 7946 0999"
OLD_E164, NEW_E164 = "+442079460018", "+442079460999"  # as the accounts app stores them
SYSTEM = SystemActor("tests")


@pytest.fixture
def officer(staff_client) -> Client:
    return staff_client(StaffRole.PRIVACY_OFFICER)


def ask_correction(person: Person, field: str = PHONE, value: str = NEW_PHONE):
    data = {"kind": "correction", "field": field, "new_value": value}
    return confirmed_client(person).post(reverse("rights:new_request"), data)


def approve(officer: Client, made: RightsRequest) -> str:
    response = officer.post(reverse("rights:privacy_approve", args=[made.pk]), follow=True)
    made.refresh_from_db()
    return response.content.decode()


def phone_of(person: Person) -> str:
    return str(Person.objects.get(pk=person.pk).phone)


def given(person: Person, kind: str, recipient: str, categories: list[str]) -> Disclosure:
    return disclose(
        subject=person.subject,
        recipient_kind=kind,
        recipient=recipient,
        categories=categories,
        ground="contract",
        reference="example.com",
        actor=SYSTEM,
    )


@pytest.fixture
def asked(customer) -> RightsRequest:
    response = ask_correction(customer)
    assert response.status_code == 302
    return RightsRequest.objects.get()


def test_a_correction_verified_by_password_waits_for_staff(asked, customer):
    assert asked.kind == "correction"
    assert asked.field == PHONE
    assert str(asked.new_value) == NEW_PHONE
    assert asked.verification == "password"
    assert asked.status == Status.VERIFIED
    assert phone_of(customer) == OLD_E164


def test_staff_approve_and_the_value_changes_through_the_accounts_app(
    asked, customer, officer, staff
):
    officer_user = staff(StaffRole.PRIVACY_OFFICER)
    page = approve(officer, asked)

    assert "Corrected." in page
    assert asked.status == Status.COMPLETED
    assert phone_of(customer) == NEW_E164
    (change,) = ProfileChange.objects.filter(person=customer, field="phone")
    assert (str(change.old_value), str(change.new_value)) == (OLD_E164, NEW_E164)
    assert change.actor_id == f"user:{officer_user.pk}"
    assert asked.events.filter(step="approved").count() == 1
    assert asked.events.filter(step="completed").count() == 1
    (notice,) = Message.objects.filter(kind="rights.completed")
    assert str(notice.to) == "ada@example.com"


def test_an_invalid_value_shows_the_accounts_error_and_changes_nothing(customer, officer):
    ask_correction(customer, value="12")
    made = RightsRequest.objects.get()

    page = approve(officer, made)

    assert "This is not a valid telephone number for GB." in page
    assert "Corrected." not in page
    assert made.status == Status.VERIFIED
    assert phone_of(customer) == OLD_E164
    assert not ProfileChange.objects.filter(person=customer, field="phone").exists()
    assert Message.objects.filter(kind="rights.completed").count() == 0


def test_an_e_mail_address_is_not_corrected_by_request(customer):
    response = ask_correction(customer, field="accounts.Person.email", value="ada@new.example")
    assert response.status_code == 200
    assert "field" in response.context["form"].errors
    assert RightsRequest.objects.count() == 0

    with pytest.raises(ValidationError) as refused:
        correct_person_field(
            subject_id=customer.subject_id, field="email", value="ada@new.example", actor=None
        )
    assert refused.value.message_dict == {"email": [EMAIL_BY_LINK]}


def test_each_recipient_of_the_category_is_told_once_in_the_register(asked, customer, officer):
    given(customer, "registrar", "Example Registrar Inc", ["user.name", PHONE_CATEGORY])
    given(customer, "registrar", "Example Registrar Inc", [PHONE_CATEGORY])
    given(customer, "registrar", "Other Registrar Ltd", [PHONE_CATEGORY])
    given(customer, "payment_processor", "Card Processor", ["user.name"])

    approve(officer, asked)

    notices = Disclosure.objects.filter(reference=f"correction:{asked.reference}")
    told = sorted((d.recipient_kind, str(d.recipient)) for d in notices)
    assert told == [
        ("registrar", "Example Registrar Inc"),
        ("registrar", "Other Registrar Ltd"),
    ]
    assert all(d.categories == [PHONE_CATEGORY] for d in notices)
    assert all(d.ground == "legal_obligation" for d in notices)
    assert asked.outcome == {"notified": 2}
    assert (
        "2 recipient(s)"
        in json.loads(str(Message.objects.get(kind="rights.completed").context))["summary"]
    )


def test_no_one_is_told_when_no_one_received_the_category(asked, customer, officer):
    given(customer, "payment_processor", "Card Processor", ["user.name", "user.contact.address"])

    approve(officer, asked)

    assert asked.status == Status.COMPLETED
    assert not Disclosure.objects.filter(reference__startswith="correction:").exists()
    assert asked.outcome == {"notified": 0}
