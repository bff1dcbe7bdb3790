"""The known-device cookie: set after a complete sign-in only, signed, naming one login."""

import time

import pytest
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse

from clientvault.accounts import devices
from clientvault.accounts.services.auth import find_login_user
from tests.accounts import personas
from tests.accounts.confirmutil import follow, queued_links
from tests.accounts.test_signup import FORM as SIGNUP_FORM
from tests.accounts.test_signup import post as post_signup
from tests.accounts.test_two_factor import VERIFY, code_for, enrolled, sign_in

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
outsider = personas.outsider

COOKIE = "cv_device"
DAYS_180 = 180 * 24 * 3600


def test_it_is_set_after_a_sign_in_httponly_lax_and_for_180_days(customer):
    client = Client()
    assert sign_in(client).status_code == 302
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == DAYS_180
    assert not cookie["secure"]  # development: the session cookie is not Secure either
    assert str(customer.user.pk) not in cookie.value  # a keyed hash of the id, not the id


def test_it_is_secure_where_the_session_cookie_is(customer, settings):
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    sign_in(client)
    assert client.cookies[COOKIE]["secure"] is True


def test_it_waits_for_the_second_factor_when_one_is_owed(customer):
    key, _ = enrolled(customer.user)
    client = Client()
    sign_in(client)
    assert COOKIE not in client.cookies  # the password alone is not a complete sign-in
    assert client.post(VERIFY, {"code": code_for(key)}).status_code == 302
    assert client.cookies[COOKIE].value


def test_it_is_not_set_after_a_wrong_password(customer):
    client = Client()
    assert sign_in(client, password="not-the-password").status_code == 200
    assert COOKIE not in client.cookies


def test_it_names_only_the_login_that_signed_in(customer, outsider):
    client = Client()
    sign_in(client)
    request = RequestFactory().post("/", HTTP_COOKIE=f"{COOKIE}={client.cookies[COOKIE].value}")
    assert known(request, "ada") == client.cookies[COOKIE].value
    assert known(request, "ADA@example.com")  # the same login, by its address
    assert known(request, "otto") == ""
    assert known(request, "nobody-at-all") == ""


def known(request, identifier):
    return devices.known_device(request, find_login_user(identifier))


def test_no_login_is_known_without_a_valid_cookie(customer):
    assert known(RequestFactory().post("/"), "ada") == ""
    forged = RequestFactory().post("/", HTTP_COOKIE=f"{COOKIE}=made-up:value:sig")
    assert known(forged, "ada") == ""
    assert Client().post(reverse("accounts:login"), {"username": "ada"}).status_code == 200


def test_it_stops_counting_after_180_days(customer, monkeypatch):
    made = signing.b62_encode(int(time.time()) - DAYS_180 - 60)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: made)
    client = Client()
    sign_in(client)
    monkeypatch.undo()
    request = RequestFactory().post("/", HTTP_COOKIE=f"{COOKIE}={client.cookies[COOKIE].value}")
    assert known(request, "ada") == ""


def test_a_new_account_is_known_on_the_browser_that_first_signs_in():
    client = Client()
    post_signup(client, SIGNUP_FORM)
    assert COOKIE not in client.cookies  # nothing signs in before the address is confirmed
    follow(client, queued_links()[-1])
    credentials = {"username": SIGNUP_FORM["username"], "password": SIGNUP_FORM["password"]}
    response = client.post(reverse("accounts:login"), credentials)
    assert response.url == reverse("accounts:dashboard")
    request = RequestFactory().post("/", HTTP_COOKIE=f"{COOKIE}={client.cookies[COOKIE].value}")
    assert known(request, SIGNUP_FORM["username"])
