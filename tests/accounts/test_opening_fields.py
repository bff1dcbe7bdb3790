# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Signup and telephone intake ask for the same fields, mandatory alike, in the same order."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientvault.accounts.activities import (
    PHONE_INTAKE,
    PHONE_INTAKE_ORGANISATION,
    SECURITY_QUESTIONS,
    SIGNUP,
    SIGNUP_ORGANISATION,
    opening_fields,
)
from clientvault.accounts.forms.area import SignupForm
from clientvault.accounts.forms.staff import IntakeForm
from clientvault.accounts.models import Customer, StaffRole
from clientvault.accounts.services.staff import open_account_by_telephone
from clientvault.privacy.services.policy import publish_policy
from tests.accounts.personas import staff, staff_client  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
KINDS = ["individual", "organisation"]
LOGIN = {"username", "password"}


def shape(form, kind) -> list[tuple[str, bool]]:
    """The form's fields of opening an account, in its order, each with whether it is required."""
    names = set(opening_fields(kind == "organisation"))
    return [(name, field.required) for name, field in form.fields.items() if name in names]


@pytest.mark.parametrize("kind", KINDS)
def test_the_forms_agree_on_the_fields_their_order_and_what_is_mandatory(kind):
    policy = publish_policy()
    signup = shape(SignupForm(kind=kind, policy=policy), kind)
    intake = shape(IntakeForm(kind=kind, policy=policy), kind)
    assert signup == intake
    assert [name for name, _ in signup] == list(opening_fields(kind == "organisation"))
    mandatory = {name for name, required in intake if required}
    assert {"address_line1", "city", "postal_code", "country", "phone"} <= mandatory
    assert ("organisation_name" in mandatory) is (kind == "organisation")


def test_the_activities_differ_only_by_the_new_login():
    for online, telephone in (
        (SIGNUP, PHONE_INTAKE),
        (SIGNUP_ORGANISATION, PHONE_INTAKE_ORGANISATION),
    ):
        assert set(online.mandatory) - LOGIN == set(telephone.mandatory)
        assert set(online.voluntary) - set(SECURITY_QUESTIONS) == set(telephone.voluntary)


def inputs(page: str) -> list[str]:
    return re.findall(r'<(?:input|select)[^>]* name="([a-z_0-9]+)"', page)


@pytest.mark.parametrize("kind", KINDS)
def test_the_pages_show_the_fields_in_the_same_order(kind, staff_client):
    query = "?kind=organisation" if kind == "organisation" else ""
    publish_policy()
    online = inputs(Client().get(reverse("accounts:signup") + query).content.decode())
    by_phone = inputs(
        staff_client(StaffRole.SUPPORT)
        .get(reverse("accounts:staff_intake") + query)
        .content.decode()
    )
    names = set(opening_fields(kind == "organisation"))
    assert [n for n in online if n in names] == [n for n in by_phone if n in names]
    assert [n for n in by_phone if n in names] == list(opening_fields(kind == "organisation"))


def test_the_telephone_intake_service_needs_what_signup_needs(staff):
    details = {
        "given_name": "Katherine",
        "family_name": "Johnson",
        "email": "kj@example.org",
        "phone": "+1 202 555 0143",
        "country": "US",
    }
    with pytest.raises(ValidationError) as error:
        open_account_by_telephone(
            staff=staff(StaffRole.SUPPORT),
            kind="organisation",
            details=details,
            policy_version=publish_policy(),
        )
    assert set(error.value.message_dict) == {
        "organisation_name",
        "address_line1",
        "city",
        "postal_code",
    }
    assert not Customer.objects.exists()
