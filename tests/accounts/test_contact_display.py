# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Telephone numbers and postal addresses are shown formatted, per country, wherever they show:
the staff record, the customer's profile history and the profile form."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.display import display_address, display_phone, form_phone
from clientvault.accounts.models import Channel, StaffRole
from clientvault.accounts.services.customers import update_person
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from tests.accounts.personas import customer, outsider, sign_in, staff, staff_client  # noqa: F401
from tests.accounts.test_staff_customer import pass_check

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def operator_in(settings, tmp_path):
    """``operator_in("GB")``: the default profile with [brand] country set."""

    def switch(country: str) -> None:
        text = (PRESETS_DIR / "need-to-know.toml").read_text()
        path = Path(tmp_path / "policy.toml")
        path.write_text(f'{text}\n[brand]\ncountry = "{country}"\n')
        settings.CLIENTVAULT_POLICY = path
        current_profile.cache_clear()

    return switch


def test_a_number_of_the_operators_country_is_national_any_other_international(operator_in):
    operator_in("GB")
    assert display_phone("+442079460018") == "020 7946 0018"
    assert display_phone("+49301234567") == "+49 30 1234567"
    operator_in("DE")
    assert display_phone("+442079460018") == "+44 20 7946 0018"
    assert display_phone("+49301234567") == "030 1234567"


def test_the_operators_country_is_the_storage_country_unless_the_brand_says():
    assert current_profile().brand.country == current_profile().storage_country == "US"
    assert display_phone("+12025550143") == "(202) 555-0143"


def test_what_is_not_a_number_is_shown_as_it_is():
    assert display_phone("") == ""
    assert display_phone(None) == ""
    assert display_phone("call reception") == "call reception"


def test_a_form_shows_a_number_in_international_format_which_reads_back_the_same():
    assert form_phone("+442079460018") == "+44 20 7946 0018"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"address_line1": "12 Marylebone Road", "city": "London", "postal_code": "NW1 5LR"},
            "12 Marylebone Road\nLONDON\nNW1 5LR\nUNITED KINGDOM",
        ),
        (
            {"address_line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117"},
            "Unter den Linden 1\n10117 BERLIN\nGERMANY",
        ),
        (
            {
                "address_line1": "1 Example Street",
                "address_line2": "Suite 4",
                "city": "Ashburn",
                "region": "VA",
                "postal_code": "20147",
            },
            "1 Example Street\nSuite 4\nASHBURN, VA 20147\nUNITED STATES",
        ),
    ],
)
def test_an_address_is_laid_out_as_its_countrys_post_expects(fields, expected):
    country = {"NW1 5LR": "GB", "10117": "DE", "20147": "US"}[fields["postal_code"]]
    blank = dict.fromkeys(("address_line2", "region"), "")
    person = SimpleNamespace(**(blank | fields), country=country)
    assert display_address(person) == expected


def test_no_address_is_shown_as_none():
    person = SimpleNamespace(
        address_line1="", address_line2="", city="", region="", postal_code="", country="GB"
    )
    assert display_address(person) == ""


def test_the_staff_record_shows_the_number_and_the_address_formatted(
    customer, outsider, staff, staff_client, operator_in
):
    operator_in("GB")
    client = staff_client(StaffRole.SUPPORT)
    pass_check(staff(StaffRole.SUPPORT), customer)
    page = client.get(reverse("accounts:staff_customer", args=[customer.customer.number]))
    text = page.content.decode()
    assert "<dd>020 7946 0018</dd>" in text
    assert "<dd>12 Marylebone Road<br>LONDON<br>NW1 5LR<br>UNITED KINGDOM</dd>" in text
    assert "+442079460018" not in text


def test_the_profile_history_shows_numbers_formatted(customer, operator_in):
    operator_in("GB")
    update_person(
        person=customer,
        changes={"phone": "020 7946 0322"},
        actor=customer.user,
        channel=Channel.ONLINE,
    )
    page = sign_in(Client(), customer.user).get(reverse("accounts:profile_history"))
    text = page.content.decode()
    assert '<td data-label="Before">020 7946 0018</td>' in text
    assert '<td data-label="After">020 7946 0322</td>' in text


def test_the_profile_form_shows_the_number_so_that_saving_it_changes_nothing(customer):
    client = sign_in(Client(), customer.user)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="+44 20 7946 0018"' in text
    assert "+442079460018" not in text
