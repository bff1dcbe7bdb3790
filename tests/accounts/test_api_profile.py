"""GET and PATCH /api/v1/profile: the token user's own record, changed through update_person."""

import pytest

from clientvault.accounts.models import Channel, ClientLogEntry, ProfileChange
from clientvault.accounts.services import create_api_token
from clientvault.accounts.validation import CONTROL_CHARACTER_MESSAGE
from tests.accounts.personas import customer, staff, teammate  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

PROFILE = "/api/v1/profile"


@pytest.fixture
def owner(customer):  # noqa: F811
    return customer


def _auth(person_or_user):
    user = getattr(person_or_user, "user", person_or_user)
    _, raw = create_api_token(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _patch(client, person, body):
    return client.patch(PROFILE, body, content_type="application/json", **_auth(person))


def test_it_shows_the_owner_their_own_fields(client, owner):
    response = client.get(PROFILE, **_auth(owner))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(owner.pk)
    assert body["account"] == owner.customer.number
    assert (body["role"], body["permissions"]) == ("owner", owner.permissions)
    assert (body["given_name"], body["email"], body["phone"]) == (
        "Ada",
        "ada@example.com",
        "+442079460018",
    )
    assert (body["address_line2"], body["employer"]) == ("", "")


def test_it_shows_a_teammate_their_own_record_not_the_owners(client, teammate):  # noqa: F811
    body = client.get(PROFILE, **_auth(teammate)).json()
    assert (body["id"], body["email"]) == (str(teammate.pk), "grace@example.com")
    assert (body["role"], body["permissions"]) == ("authorised_user", ["billing", "support"])


def test_it_changes_only_the_fields_sent_and_keeps_their_history(client, owner):
    response = _patch(client, owner, {"city": "Cambridge", "postal_code": "cb2 1tn"})
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["postal_code"]) == ("Cambridge", "CB2 1TN")
    owner.refresh_from_db()
    assert (owner.city, owner.address_line1) == ("Cambridge", "12 Marylebone Road")
    changes = ProfileChange.objects.filter(person=owner)
    assert {(c.field, c.old_value, c.new_value, c.channel) for c in changes} == {
        ("city", "London", "Cambridge", "api"),
        ("postal_code", "NW1 5LR", "CB2 1TN", "api"),
    }
    assert {c.actor_id for c in changes} == {f"user:{owner.user_id}"}
    entry = ClientLogEntry.objects.get(customer=owner.customer, event="profile_changed")
    assert entry.channel == Channel.API


def test_it_removes_a_voluntary_field_sent_empty_or_null(client, owner):
    _patch(client, owner, {"region": "Greater London", "address_line2": "Flat 2"})
    response = _patch(client, owner, {"region": None, "address_line2": ""})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert (owner.region, owner.address_line2) == ("", "")


def test_it_refuses_a_missing_mandatory_field_with_422_naming_it(client, owner):
    response = _patch(client, owner, {"given_name": "", "city": "Cambridge"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"field": "given_name", "message": "Given name is required to keep your profile."}
        ]
    }
    owner.refresh_from_db()
    assert (owner.given_name, owner.city) == ("Ada", "London")
    assert not ProfileChange.objects.filter(person=owner).exists()


def test_it_lets_a_teammate_leave_out_what_only_the_owner_must_give(client, teammate):  # noqa: F811
    response = _patch(client, teammate, {"phone": "", "job_title": "Engineer"})
    assert response.status_code == 200
    assert response.json()["job_title"] == "Engineer"


def test_it_refuses_invalid_values_naming_each_field(client, owner):
    response = _patch(client, owner, {"phone": "12", "postal_code": "not a postcode"})
    assert response.status_code == 422
    fields = {error["field"]: error["message"] for error in response.json()["detail"]}
    assert set(fields) == {"phone", "postal_code"}
    assert fields["phone"].startswith("Telephone:")
    assert fields["postal_code"].startswith("Postal code:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nickname": "Ada"}, "nickname"),
        ({"city": "x" * 201}, "city"),
        ({"city": 12}, "city"),
    ],
    ids=["unknown", "too-long", "not-text"],
)
def test_it_refuses_a_body_that_does_not_match_the_schema_with_422(client, owner, body, field):
    response = _patch(client, owner, body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert error["message"]
    assert "x" * 201 not in response.content.decode()


def test_it_refuses_an_email_change_and_points_to_the_customer_area(client, owner):
    response = _patch(client, owner, {"email": "new@example.com", "city": "Cambridge"})
    assert response.status_code == 403
    assert "customer area" in response.json()["detail"]
    owner.refresh_from_db()
    assert (owner.email, owner.city) == ("ada@example.com", "London")


def test_it_accepts_the_current_email_sent_back_as_no_change(client, owner):
    body = client.get(PROFILE, **_auth(owner)).json()
    for key in ["id", "account", "role", "permissions"]:
        del body[key]
    response = _patch(client, owner, {**body, "email": "ADA@example.com"})
    assert response.status_code == 200
    assert not ProfileChange.objects.filter(person=owner).exists()


def test_it_refuses_a_body_that_is_not_json(client, owner):
    response = client.patch(PROFILE, "{not json", content_type="application/json", **_auth(owner))
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


@pytest.mark.parametrize("method", ["get", "patch"])
def test_it_answers_a_staff_token_with_404(client, staff, method):  # noqa: F811
    response = getattr(client, method)(
        PROFILE, {"city": "Cambridge"}, content_type="application/json", **_auth(staff("support"))
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["get", "patch"])
def test_it_refuses_a_request_without_a_token_with_401(client, owner, method):
    response = getattr(client, method)(
        PROFILE, {"city": "Cambridge"}, content_type="application/json"
    )
    assert response.status_code == 401
    owner.refresh_from_db()
    assert owner.city == "London"


# --- malformed input: a 4xx naming the field, never a 500 (the web form's rules) -------------


def _field_errors(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["detail"]}


def test_it_refuses_an_unknown_country_code_naming_the_field(client, owner):
    for sent in ({"country": "ZZ"}, {"country": "ZZ", "postal_code": "123"}, {"country": "gb"}):
        response = _patch(client, owner, sent)
        assert response.status_code == 422, sent
        assert _field_errors(response)["country"].startswith("This is not a country code we know")
    owner.refresh_from_db()
    assert owner.country == "GB"


@pytest.mark.parametrize(
    "typed", ["Lon\x01don", "Lon\x00don", "London\n", "Lon\tdon", "Lon\x7fdon", "Lon\u202edon"]
)
def test_it_refuses_control_characters_naming_the_field(client, owner, typed):
    response = _patch(client, owner, {"city": typed})
    assert response.status_code == 422
    assert _field_errors(response) == {"city": CONTROL_CHARACTER_MESSAGE}
    owner.refresh_from_db()
    assert owner.city == "London"


def test_it_refuses_a_value_longer_than_the_forms_take(client, owner):
    response = _patch(client, owner, {"postal_code": "1" * 17})
    assert response.status_code == 422
    assert list(_field_errors(response)) == ["postal_code"]


def test_it_answers_an_oversized_body_with_413_naming_the_limit(client, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _patch(client, owner, {"city": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is too large: this site reads at most 1000 bytes."
    }
