"""A card number typed anywhere but the payment form is refused before any view runs (COL-3,
USE-2): pages get a 400 page naming the field, the API its 422 naming it, nothing is saved and
nothing of the number is logged."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from clientvault.accounts.models import ClientLogEntry, Customer, Person, ProfileChange, User
from clientvault.accounts.services import create_api_token
from clientvault.billing.middleware import API_MESSAGE, page_message
from clientvault.privacy.services.policy import publish_policy
from clientvault.rights.models import RightsRequest
from tests.accounts import personas
from tests.accounts.test_signup import FORM as SIGNUP_FORM
from tests.billing.guard_urls import RAN
from tests.rights.helpers import confirmed_client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
PROFILE = reverse("accounts:profile")
SIGNUP = reverse("accounts:signup")
PUBLIC_REQUEST = reverse("rights:public_request")
NEW_REQUEST = reverse("rights:new_request")
API_PROFILE = "/api/v1/profile"

CARD = "3782 822463 10005"  # American Express's test number
CARD_PARTS = ("3782", "822463", "10005", "378282246310005", "0005")
IN_TEXT = f"Please take the renewal from my card {CARD} (expires 08/31), thanks"


def profile_form(person: Person, **changes: str) -> dict[str, str]:
    fields = ("given_name", "family_name", "phone", "address_line1", "address_line2", "city")
    form = {name: str(getattr(person, name)) for name in fields}
    return {**form, "postal_code": person.postal_code, "country": person.country, **changes}


def assert_page_refusal(response, field: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(page_message(field)) in page
    assert "Card numbers are not typed here" in page
    assert "Back to the form" in page
    for part in CARD_PARTS:
        assert part not in page


def assert_logs_hold_nothing_of_the_card(caplog) -> None:
    for part in CARD_PARTS:
        assert part not in caplog.text


# Pages ---------------------------------------------------------------------------------------


def test_the_profile_form_is_refused_naming_the_field_and_nothing_changes(customer, caplog):
    caplog.set_level(logging.DEBUG)
    client = personas.sign_in(Client(), customer.user)
    changes, log = ProfileChange.objects.count(), ClientLogEntry.objects.count()
    response = client.post(PROFILE, profile_form(customer, address_line2=CARD, city="Cambridge"))
    assert_page_refusal(response, "address_line2")
    assert (ProfileChange.objects.count(), ClientLogEntry.objects.count()) == (changes, log)
    person = Person.objects.get(pk=customer.pk)
    assert (person.address_line2, person.city) == ("", "London")
    assert_logs_hold_nothing_of_the_card(caplog)
    assert "address_line2" in caplog.text  # one line: the route and the field
    assert "account/profile" in caplog.text


def test_the_back_link_returns_to_the_form_it_came_from(customer):
    client = personas.sign_in(Client(), customer.user)
    came_from = f"http://testserver{PROFILE}?section=address"
    response = client.post(PROFILE, profile_form(customer, city=CARD), HTTP_REFERER=came_from)
    assert f'href="{escape(came_from)}"' in response.content.decode()
    elsewhere = client.post(
        PROFILE, profile_form(customer, city=CARD), HTTP_REFERER="https://evil.example/x"
    )
    assert f'href="{PROFILE}"' in elsewhere.content.decode()
    assert "evil.example" not in elsewhere.content.decode()


def test_signup_is_refused_and_no_account_is_opened(caplog):
    caplog.set_level(logging.DEBUG)
    counts = (Customer.objects.count(), User.objects.count(), Person.objects.count())
    data = {**SIGNUP_FORM, "address_line1": IN_TEXT, "policy_version": publish_policy().number}
    response = Client().post(SIGNUP, data)
    assert_page_refusal(response, "address_line1")
    assert (Customer.objects.count(), User.objects.count(), Person.objects.count()) == counts
    assert_logs_hold_nothing_of_the_card(caplog)


def test_the_public_rights_request_form_is_refused_and_no_request_is_made(caplog):
    caplog.set_level(logging.DEBUG)
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "kind": "access"}
    response = Client().post(PUBLIC_REQUEST, {**data, "note": IN_TEXT})
    assert_page_refusal(response, "note")
    assert not RightsRequest.objects.exists()
    assert_logs_hold_nothing_of_the_card(caplog)


def test_a_customers_rights_request_is_refused_and_none_is_made(customer):
    client = confirmed_client(customer)
    response = client.post(NEW_REQUEST, {"kind": "correction", "new_value": CARD})
    assert_page_refusal(response, "new_value")
    assert not RightsRequest.objects.exists()


def test_an_url_encoded_form_is_checked_too(customer):
    client = personas.sign_in(Client(), customer.user)
    body = urlencode(profile_form(customer, family_name=IN_TEXT))
    response = client.post(PROFILE, body, content_type="application/x-www-form-urlencoded")
    assert_page_refusal(response, "family_name")


def test_every_value_of_a_repeated_field_is_checked(customer):
    client = personas.sign_in(Client(), customer.user)
    body = urlencode([("city", "London"), ("city", CARD)])
    response = client.post(PROFILE, body, content_type="application/x-www-form-urlencoded")
    assert_page_refusal(response, "city")


def test_an_uploaded_file_is_not_read_but_its_name_is_checked():
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "kind": "access"}
    content = SimpleUploadedFile("permission.pdf", f"%PDF-1.7 {CARD}".encode())
    response = Client().post(PUBLIC_REQUEST, {**data, "permission": content})
    assert response.status_code != 400  # the form's own checks answer
    named = SimpleUploadedFile(f"{CARD}.pdf", b"%PDF-1.7")
    refused = Client().post(PUBLIC_REQUEST, {**data, "permission": named})
    assert_page_refusal(refused, "permission")


@pytest.mark.parametrize(
    "value",
    [
        "DE89 3704 0044 0532 0130 00",
        "GB29 NWBK 6016 1331 9268 19",
        "+44 20 7946 0018",
        "Order 1234567890123, invoice 2026-000042",
        "4242 4242 4242 4241",  # fails the Luhn check
        "2026-05-17",
        "Flat 12, 4th floor",
    ],
)
def test_ibans_telephone_numbers_and_ordinary_numbers_are_accepted(customer, value):
    client = personas.sign_in(Client(), customer.user)
    response = client.post(PROFILE, profile_form(customer, address_line2=value))
    assert response.status_code == 302, response.content.decode()[:500]
    assert Person.objects.get(pk=customer.pk).address_line2 == value


def test_reading_is_not_checked(customer):
    client = personas.sign_in(Client(), customer.user)
    assert client.get(PROFILE, {"city": CARD}).status_code == 200


# The API -------------------------------------------------------------------------------------


def _auth(person: Person) -> dict[str, str]:
    _, raw = create_api_token(user=person.user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_an_api_body_is_refused_naming_the_field_as_the_api_does(customer, caplog):
    caplog.set_level(logging.DEBUG)
    changes = ProfileChange.objects.count()
    response = Client().patch(
        API_PROFILE,
        {"city": "Cambridge", "address_line2": IN_TEXT},
        content_type="application/json",
        **_auth(customer),
    )
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "address_line2", "message": API_MESSAGE}]}
    assert ProfileChange.objects.count() == changes
    assert Person.objects.get(pk=customer.pk).city == "London"
    assert_logs_hold_nothing_of_the_card(caplog)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact": {"lines": ["12 Marylebone Road", CARD]}}, "contact.lines.1"),
        ({"phone": 378282246310005}, "phone"),
        ({"amount": 378282246310005.0}, "amount"),
        ([{"note": "fine"}, {"note": IN_TEXT}], "1.note"),
        ({"contact": {CARD: "a key"}}, "contact"),
        (CARD, None),
    ],
)
def test_every_string_and_number_at_any_depth_is_checked(customer, body, field):
    response = Client().patch(
        API_PROFILE, json.dumps(body), content_type="application/json", **_auth(customer)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field
    for part in CARD_PARTS:
        assert part not in response.content.decode()


def test_an_api_body_without_a_card_number_reaches_the_api(customer):
    body = {"address_line2": "DE89 3704 0044 0532 0130 00", "phone": "+44 20 7946 0018"}
    response = Client().patch(API_PROFILE, body, content_type="application/json", **_auth(customer))
    assert response.status_code == 200
    assert response.json()["address_line2"] == "DE89 3704 0044 0532 0130 00"


def test_the_api_still_answers_a_token_problem_an_unknown_path_and_a_wrong_method_first(
    customer,
):
    body = {"address_line2": CARD}
    without = Client().patch(API_PROFILE, body, content_type="application/json")
    assert without.status_code == 401
    bad_token = Client().patch(
        API_PROFILE, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer cv_x_y"
    )
    assert bad_token.status_code == 401
    unknown = Client().patch(
        "/api/v1/no-such-thing", body, content_type="application/json", **_auth(customer)
    )
    assert unknown.status_code == 404
    wrong_method = Client().put(
        API_PROFILE, body, content_type="application/json", **_auth(customer)
    )
    assert wrong_method.status_code == 405


def test_a_body_that_is_not_json_is_left_to_the_api(customer):
    response = Client().patch(
        API_PROFILE, f"{{{CARD}", content_type="application/json", **_auth(customer)
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


# Other bodies, and the exempt webhooks (a test view that says it ran) -------------------------


@pytest.mark.urls("tests.billing.guard_urls")
@pytest.mark.parametrize("method", ["put", "patch"])
def test_forms_sent_with_put_or_patch_are_checked(method):
    form = urlencode({"note": IN_TEXT})
    response = getattr(Client(), method)(
        "/echo", form, content_type="application/x-www-form-urlencoded"
    )
    assert_page_refusal(response, "note")


@pytest.mark.urls("tests.billing.guard_urls")
def test_a_multipart_put_is_checked():
    boundary = "cardguardboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n{IN_TEXT}\r\n'
        f"--{boundary}--\r\n"
    )
    response = Client().put("/echo", body, content_type=f"multipart/form-data; boundary={boundary}")
    assert_page_refusal(response, "note")


@pytest.mark.urls("tests.billing.guard_urls")
def test_a_plain_text_body_is_checked_whole():
    response = Client().post("/echo", IN_TEXT, content_type="text/plain")
    assert_page_refusal(response, "(the request body)")


@pytest.mark.urls("tests.billing.guard_urls")
def test_json_is_read_at_any_depth_it_parses_and_is_left_alone_deeper():
    deep = "[" * 200 + json.dumps(CARD) + "]" * 200
    response = Client().post("/echo", deep, content_type="application/json")
    assert_page_refusal(response, "0" + ".0" * 199)
    too_deep = "[" * 100_000 + "]" * 100_000
    assert Client().post("/echo", too_deep, content_type="application/json").content == RAN


@pytest.mark.urls("tests.billing.guard_urls")
def test_a_field_named_like_a_card_number_is_not_echoed():
    response = Client().post("/echo", {CARD: CARD})
    assert_page_refusal(response, "(one of the fields)")


@pytest.mark.urls("tests.billing.guard_urls")
def test_a_binary_body_is_not_read():
    response = Client().post("/echo", CARD.encode(), content_type="application/octet-stream")
    assert response.content == RAN


@pytest.mark.urls("tests.billing.guard_urls")
def test_the_payment_webhooks_are_exempt():
    event = {"type": "charge.refunded", "data": {"object": {"note": CARD}}}
    response = Client().post("/billing/webhooks/test", event, content_type="application/json")
    assert response.content == RAN
    assert (
        Client().post("/echo", event, content_type="application/json").status_code == 400
    )  # the same body anywhere else


def test_it_stands_right_after_commonmiddleware():
    chain = settings.MIDDLEWARE
    common = chain.index("django.middleware.common.CommonMiddleware")
    assert chain[common + 1] == "clientvault.billing.middleware.RefuseCardNumbersMiddleware"


def test_a_body_too_large_is_refused_by_the_size_limit_before_the_guard_reads_it(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = Client().post(PUBLIC_REQUEST, {"note": f"{CARD} " * 20, "kind": "access"})
    assert response.status_code == 413
