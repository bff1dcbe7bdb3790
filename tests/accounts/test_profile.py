"""The profile page: the person corrects, updates or removes their own data (CTL-1, COL-6)."""

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.forms.area import ProfileForm
from clientvault.accounts.models import ClientLogEntry, CustomerKind, Person, ProfileChange
from clientvault.accounts.schemas import ProfilePatch
from clientvault.accounts.services.customers import PERSON_FIELDS
from clientvault.accounts.validation import CONTROL_CHARACTER_MESSAGE
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
PROFILE = reverse("accounts:profile")


def form_of(person) -> dict[str, str]:
    """What the page holds now, as a browser would post it back."""
    return {name: str(getattr(person, name)) for name in PERSON_FIELDS if name != "email"}


def post(person, **changes):
    client = personas.sign_in(Client(), person.user)
    return client.post(PROFILE, {**form_of(person), **changes})


def test_it_shows_the_persons_data_with_optional_marks(customer):
    response = personas.sign_in(Client(), customer.user).get(PROFILE)
    page = response.content.decode()
    assert 'value="12 Marylebone Road"' in page
    assert 'Address (second line) <span class="optional">(optional)</span>' in page
    assert 'Telephone <span class="optional">' not in page
    assert 'name="email"' not in page
    assert "ada@example.com" in page
    assert reverse("accounts:profile_email") in page
    assert 'name="employer"' not in page  # an individual's profile has no work fields


def test_it_saves_a_change_keeping_old_and_new(customer):
    response = post(customer, city="Cambridge", postal_code="cb2 1tn")
    assert response.status_code == 302
    assert response.url == PROFILE
    person = Person.objects.get(pk=customer.pk)
    assert (person.city, person.postal_code) == ("Cambridge", "CB2 1TN")
    change = ProfileChange.objects.get(field="city")
    assert (change.old_value, change.new_value, change.channel) == ("London", "Cambridge", "online")
    assert change.actor_id == f"user:{customer.user.pk}"
    assert ClientLogEntry.objects.filter(event="profile_changed").exists()


def test_a_voluntary_field_can_be_emptied(customer):
    post(customer, address_line2="Flat 3")
    response = post(Person.objects.get(pk=customer.pk), address_line2="")
    assert response.status_code == 302
    assert Person.objects.get(pk=customer.pk).address_line2 == ""
    removal = ProfileChange.objects.filter(field="address_line2").order_by("at").last()
    assert (removal.old_value, removal.new_value) == ("Flat 3", "")


def test_removing_a_mandatory_field_is_refused_naming_it(customer):
    response = post(customer, city="", phone="12")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["city"] == ["Town or city is required to keep your profile."]
    assert not ProfileChange.objects.exists()


def test_the_service_checks_the_phone_for_the_country(customer):
    response = post(customer, phone="12")
    assert response.context["form"].errors["phone"] == [
        "Telephone: This is not a valid telephone number for GB."
    ]


def test_an_authorised_user_may_leave_the_address_empty(teammate):
    page = personas.sign_in(Client(), teammate.user).get(PROFILE).content.decode()
    assert 'Town or city <span class="optional">(optional)</span>' in page
    response = post(teammate, given_name="Grace", phone="+44 20 7946 0000")
    assert response.status_code == 302
    assert Person.objects.get(pk=teammate.pk).phone == "+442079460000"


def test_an_organisation_profile_has_work_fields(db):
    owner = personas.open_test_account(
        username="engines",
        details={**personas.OWNER_DETAILS, "email": "engines@example.com"},
        kind=CustomerKind.ORGANISATION,
        organisation_name="Analytical Engines Ltd",
    )
    page = personas.sign_in(Client(), owner.user).get(PROFILE).content.decode()
    assert 'Job title <span class="optional">(optional)</span>' in page
    assert "Analytical Engines Ltd" in page
    post(owner, job_title="Analyst")
    assert Person.objects.get(pk=owner.pk).job_title == "Analyst"


def test_nothing_changed_says_so(customer):
    client = personas.sign_in(Client(), customer.user)
    response = client.post(PROFILE, form_of(customer), follow=True)
    assert "Nothing changed." in response.content.decode()


def test_it_changes_only_the_signed_in_persons_own_record(customer, outsider):
    post(outsider, city="Potsdam", postal_code="14467")
    assert Person.objects.get(pk=customer.pk).city == "London"
    assert Person.objects.get(pk=outsider.pk).city == "Potsdam"


# --- malformed input: refused naming the field, as the API refuses it ------------------------


@pytest.mark.parametrize("typed", ["Lon\x01don", "Lon\x00don", "Lon\tdon", "Lon\u202edon"])
def test_it_refuses_control_characters_naming_the_field_as_the_api_does(customer, typed):
    response = post(customer, city=typed)
    assert response.status_code == 200
    assert response.context["form"].errors == {"city": [CONTROL_CHARACTER_MESSAGE]}
    assert Person.objects.get(pk=customer.pk).city == "London"


def test_it_refuses_an_unknown_country_naming_the_field(customer):
    response = post(customer, country="ZZ")
    assert list(response.context["form"].errors) == ["country"]


def test_it_answers_an_oversized_form_with_413_naming_the_limit(customer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(customer, city="x" * 2000)
    assert response.status_code == 413
    page = response.content.decode()
    assert "The request body is too large: this site reads at most 1000 bytes." in page
    assert Person.objects.get(pk=customer.pk).city == "London"


def test_the_form_and_the_api_take_the_same_lengths(customer):
    form = ProfileForm(person=customer)
    patch = ProfilePatch.model_json_schema()["properties"]
    for name, field in form.fields.items():
        if name != "country":
            assert patch[name]["anyOf"][0]["maxLength"] == field.max_length, name
