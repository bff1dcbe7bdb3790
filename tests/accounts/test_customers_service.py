import pytest
from django.core.exceptions import ValidationError

from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    Customer,
    CustomerKind,
    Person,
    ProfileChange,
)
from clientvault.accounts.services.customers import change_status, open_account, update_person
from clientvault.accounts.validation import CONTROL_CHARACTER_MESSAGE
from clientvault.privacy.models import AuditEvent, ConsentRecord, PolicyAcceptance
from clientvault.privacy.services.policy import accepted_version, publish_policy

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

DETAILS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "email": "Ada@Example.com",
    "phone": "020 7946 0018",
    "address_line1": "12 Marylebone Road",
    "city": "London",
    "postal_code": "nw1 5lr",
    "country": "GB",
}


def _open(**overrides):
    return open_account(
        kind=overrides.pop("kind", CustomerKind.INDIVIDUAL),
        details={**DETAILS, **overrides.pop("details", {})},
        username=overrides.pop("username", "ada"),
        password="a-long-and-unusual-passphrase",
        channel=overrides.pop("channel", Channel.ONLINE),
        actor=None,
        **overrides,
    )


def test_it_opens_an_account_with_its_owner_in_the_vault():
    version = publish_policy()
    customer = _open(policy_version=version)
    person = Person.objects.get(customer=customer)
    assert person.is_owner
    assert person.user.username == "ada"
    assert person.email == "Ada@example.com"
    assert person.phone == "+442079460018"
    assert person.postal_code == "NW1 5LR"
    assert accepted_version(subject=person.subject) == version
    assert ClientLogEntry.objects.filter(customer=customer, event="signed_up").exists()


def test_it_refuses_a_missing_mandatory_field_naming_it():
    with pytest.raises(ValidationError) as error:
        _open(details={"phone": ""})
    assert error.value.message_dict["phone"] == ["Telephone is required to open an account."]
    assert not Customer.objects.exists()


def test_it_asks_organisations_for_their_name():
    with pytest.raises(ValidationError) as error:
        _open(kind=CustomerKind.ORGANISATION)
    assert "organisation_name" in error.value.message_dict


def test_it_refuses_a_second_account_with_the_same_email():
    _open()
    with pytest.raises(ValidationError) as error:
        _open(username="ada2", details={"email": "ADA@example.com "})
    assert "another account" in error.value.message_dict["email"][0]


def test_it_validates_the_phone_for_the_country():
    with pytest.raises(ValidationError) as error:
        _open(details={"phone": "12"})
    assert "Telephone" in error.value.message_dict["phone"][0]


def test_it_keeps_every_change_old_to_new():
    customer = _open()
    person = Person.objects.get(customer=customer)
    changed = update_person(
        person=person,
        changes={"city": "Oxford", "postal_code": "OX1 2JD"},
        actor=person.user,
        channel=Channel.ONLINE,
    )
    assert changed == ["city", "postal_code"]
    change = ProfileChange.objects.get(field="city")
    assert (change.old_value, change.new_value) == ("London", "Oxford")
    assert (
        update_person(person=person, changes={"city": "Oxford"}, actor=None, channel=Channel.ONLINE)
        == []
    )


def test_it_follows_the_status_workflow():
    customer = _open()
    change_status(customer=customer, to="closed", actor=None)
    with pytest.raises(ValidationError):
        change_status(customer=customer, to="active", actor=None)


def test_it_shows_every_problem_at_once():
    with pytest.raises(ValidationError) as error:
        _open(username="a b", details={"phone": "12", "given_name": ""})
    errors = error.value.message_dict
    assert set(errors) == {"given_name", "phone", "username"}
    assert errors["given_name"] == ["Given name is required to open an account."]


def test_a_username_may_not_look_like_an_email_address():
    with pytest.raises(ValidationError) as error:
        _open(username="ada@example.com")
    assert "no @" in error.value.message_dict["username"][0]


def test_online_the_new_owner_is_the_actor_and_marketing_is_recorded():
    customer = _open(marketing=True)
    person = Person.objects.get(customer=customer)
    entry = ClientLogEntry.objects.get(customer=customer, event="signed_up")
    assert entry.actor_label == "the account owner"
    record = ConsentRecord.objects.get(subject=person.subject)
    assert (record.purpose, record.granted, record.source) == ("marketing", True, "form")
    assert AuditEvent.objects.get(action="account.opened").actor_id == f"user:{person.user_id}"


def test_staff_entered_marketing_answers_are_marked_as_staff():
    version = publish_policy()
    customer = _open(channel=Channel.TELEPHONE, marketing=False, policy_version=version)
    record = ConsentRecord.objects.get()
    assert (record.granted, record.source) == (False, "staff")
    subject = Person.objects.get(customer=customer).subject
    assert PolicyAcceptance.objects.get(subject=subject).channel == "staff"


def test_it_refuses_an_unknown_country_naming_it_not_with_an_error():
    person = Person.objects.get(customer=_open())
    with pytest.raises(ValidationError) as error:
        update_person(
            person=person, changes={"country": "ZZ"}, actor=person.user, channel=Channel.API
        )
    assert error.value.message_dict["country"] == ["Country: Choose a country."]


def test_it_refuses_control_characters_and_overlong_values_whatever_the_channel():
    with pytest.raises(ValidationError) as error:
        _open(details={"city": "Lon\x01don", "address_line1": "x" * 201})
    assert set(error.value.message_dict) == {"city", "address_line1"}
    assert error.value.message_dict["city"] == [f"Town or city: {CONTROL_CHARACTER_MESSAGE}"]
    assert not Customer.objects.exists()
