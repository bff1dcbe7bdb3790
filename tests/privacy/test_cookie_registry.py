"""COL-8: the cookie registry (clientvault.privacy.cookies) and what a browser's answer and its
Global Privacy Control signal allow."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from clientvault.privacy.cookies import (
    CHOICE_COOKIE,
    TEXT_SIZE_COOKIE,
    Necessity,
    cookie_state,
    declared,
    forget_preferences,
    lifetime_words,
    preference_cookies,
    preferences_allowed,
    registry,
    set_choice_cookie,
    set_preference_cookie,
    signed_in_customer,
)


def _request(choice: str = "", gpc: bool = False, **cookies: str):
    factory = RequestFactory(headers={"Sec-GPC": "1"} if gpc else {})
    request = factory.get("/")
    request.COOKIES.update(cookies)
    if choice:
        request.COOKIES[CHOICE_COOKIE] = choice
    return request


def test_each_cookie_is_declared_once_with_a_purpose_a_kind_and_a_lifetime():
    names = [cookie.name for cookie in registry()]
    assert len(names) == len(set(names))
    for cookie in registry():
        assert cookie.purpose[:1].islower()  # it reads on after the name, in a sentence
        assert not cookie.purpose.endswith(".")
        assert cookie.necessity in Necessity.values
        assert cookie.lifetime


def test_djangos_cookies_are_declared_under_the_names_the_settings_give(settings):
    for name in ("sessionid", "csrftoken", "cv_device", CookieStorage.cookie_name, CHOICE_COOKIE):
        assert declared(name).necessary, name
    settings.CSRF_COOKIE_NAME = "renamed_csrf"
    assert declared("renamed_csrf") is not None
    assert declared("csrftoken") is None


def test_the_only_preference_cookie_is_larger_text_and_the_choice_itself_is_necessary():
    assert [cookie.name for cookie in preference_cookies()] == [TEXT_SIZE_COOKIE]
    assert declared(CHOICE_COOKIE).necessary
    assert declared("tracker") is None


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "until you close your browser"),
        (12 * 3600, "12 hours"),
        (180 * 86400, "180 days"),
        (364 * 86400, "364 days"),
        (365 * 86400, "1 year"),
        (86400, "1 day"),
        (90, "1 minute"),
    ],
)
def test_lifetimes_are_said_in_words(seconds, words):
    assert lifetime_words(seconds) == words


def test_the_session_cookie_lasts_as_long_as_the_session_setting_says(settings):
    assert declared("sessionid").lifetime == "12 hours"
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    assert declared("sessionid").lifetime == "until you close your browser"


@pytest.mark.parametrize(
    ("choice", "gpc", "allowed", "undecided"),
    [
        ("", False, False, True),
        ("refused", False, False, False),
        ("accepted", False, True, False),
        ("accepted", True, False, False),
        ("", True, False, False),
        ("something-else", False, False, True),
    ],
)
def test_preference_cookies_need_an_acceptance_and_no_gpc(choice, gpc, allowed, undecided):
    request = _request(choice, gpc)
    assert preferences_allowed(request) is allowed
    assert cookie_state(request).undecided is undecided


def test_a_preference_cookie_is_set_only_when_allowed():
    response = HttpResponse()
    assert not set_preference_cookie(_request(), response, name=TEXT_SIZE_COOKIE, value="large")
    assert TEXT_SIZE_COOKIE not in response.cookies
    assert set_preference_cookie(
        _request("accepted"), response, name=TEXT_SIZE_COOKIE, value="large"
    )
    morsel = response.cookies[TEXT_SIZE_COOKIE]
    assert (morsel.value, morsel["max-age"], morsel["samesite"]) == ("large", 180 * 86400, "Lax")
    assert morsel["httponly"] is True


def test_a_necessary_or_undeclared_name_is_no_preference_cookie():
    for name in (CHOICE_COOKIE, "tracker"):
        with pytest.raises(ValueError, match="not a declared preference cookie"):
            set_preference_cookie(_request("accepted"), HttpResponse(), name=name, value="1")


def test_the_choice_cookie_holds_only_an_answer():
    response = HttpResponse()
    set_choice_cookie(response, "refused")
    assert response.cookies[CHOICE_COOKIE].value == "refused"
    with pytest.raises(ValueError, match="unknown choice"):
        set_choice_cookie(response, "maybe")


def test_forgetting_removes_only_the_preference_cookies_the_browser_holds():
    response = HttpResponse()
    held = {TEXT_SIZE_COOKIE: "large", "sessionid": "abc"}
    assert forget_preferences(_request("refused", **held), response) == [TEXT_SIZE_COOKIE]
    assert list(response.cookies) == [TEXT_SIZE_COOKIE]
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


def test_only_a_signed_in_customer_has_a_subject_to_record_for():
    request = _request()
    request.user = AnonymousUser()
    assert signed_in_customer(request) is None
    del request.user
    assert signed_in_customer(request) is None
