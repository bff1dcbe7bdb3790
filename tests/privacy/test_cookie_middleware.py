# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""COL-8: the cookie middleware lets out only declared cookies, and preference cookies only with
consent and without Global Privacy Control, whatever a view does; in the tests it fails instead.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client

from clientvault.privacy import middleware
from clientvault.privacy.cookies import CHOICE_COOKIE, TEXT_SIZE_COOKIE
from clientvault.privacy.middleware import CookieViolation
from clientvault.privacy.models import ConsentRecord
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.personas import customer, make_staff, sign_in  # noqa: F401

pytestmark = [
    pytest.mark.django_db(databases=["default", "keys"]),
    pytest.mark.urls("tests.privacy.cookie_urls"),
]
GPC = {"HTTP_SEC_GPC": "1"}


@pytest.fixture
def dropping(settings):
    settings.CLIENTVAULT_COOKIE_VIOLATIONS = "drop"


def _accepted() -> Client:
    client = Client()
    client.cookies[CHOICE_COOKIE] = "accepted"
    return client


def test_it_stands_first_so_it_sees_every_cookie_the_others_add():
    assert settings.MIDDLEWARE[0] == "clientvault.privacy.middleware.CookiePolicyMiddleware"


def test_in_the_tests_an_undeclared_cookie_fails_the_request_and_the_test():
    with pytest.raises(CookieViolation, match="tracker: a cookie that is not declared"):
        Client().get("/test/undeclared")
    assert middleware.violations == [
        "tracker: a cookie that is not declared in the cookie registry"
    ]
    middleware.violations.clear()  # noted for tests/conftest.py, which would fail this test


def test_in_production_it_drops_an_undeclared_cookie_and_logs_its_name(dropping, caplog):
    with caplog.at_level(logging.WARNING, logger="clientvault.privacy.middleware"):
        response = Client().get("/test/undeclared")
    assert response.status_code == 200
    assert "tracker" not in response.cookies
    assert "csrftoken" in response.cookies
    assert "cookie dropped: tracker" in caplog.text
    assert middleware.violations == []


def test_a_preference_cookie_without_an_answer_is_dropped(dropping):
    assert TEXT_SIZE_COOKIE not in Client().get("/test/preference").cookies


def test_a_preference_cookie_after_a_refusal_is_dropped(dropping):
    client = Client()
    client.cookies[CHOICE_COOKIE] = "refused"
    assert TEXT_SIZE_COOKIE not in client.get("/test/preference").cookies


def test_a_preference_cookie_with_consent_is_let_through():
    assert _accepted().get("/test/preference").cookies[TEXT_SIZE_COOKIE].value == "large"


def test_global_privacy_control_refuses_a_preference_cookie_despite_consent(dropping):
    assert TEXT_SIZE_COOKIE not in _accepted().get("/test/preference", **GPC).cookies


def test_in_the_tests_a_preference_cookie_without_consent_fails():
    with pytest.raises(CookieViolation, match="cv_text: a preference cookie without"):
        Client().get("/test/preference")
    middleware.violations.clear()


def test_removing_a_cookie_is_always_let_through():
    response = Client().get("/test/removes")
    assert response.cookies["tracker"]["max-age"] == 0
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


def test_a_preference_cookie_the_browser_still_holds_is_removed_once_refused():
    client = Client()
    client.cookies[CHOICE_COOKIE] = "refused"
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    response = client.get("/")
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


def test_a_preference_cookie_is_removed_when_the_browser_turns_gpc_on():
    client = _accepted()
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    assert TEXT_SIZE_COOKIE not in client.get("/").cookies
    assert client.get("/", **GPC).cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


def _gpc_records(person) -> list[tuple[str, bool, str]]:
    records = ConsentRecord.objects.filter(subject=person.subject).order_by("at", "id")
    return list(records.values_list("purpose", "granted", "source"))


def test_gpc_from_a_signed_in_customer_is_recorded_in_the_ledger_once(customer):
    client = sign_in(Client(), customer.user)
    for _ in range(3):
        assert client.get("/", **GPC).status_code == 200
    assert _gpc_records(customer) == [(Purpose.PREFERENCE_COOKIES, False, "gpc")]


def test_without_gpc_a_signed_in_customer_has_nothing_recorded(customer):
    sign_in(Client(), customer.user).get("/")
    assert _gpc_records(customer) == []


def test_gpc_from_staff_or_a_visitor_records_nothing():
    staff = make_staff("support")
    sign_in(Client(), staff).get("/", **GPC)
    Client().get("/", **GPC)
    assert not ConsentRecord.objects.exists()
