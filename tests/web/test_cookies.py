# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""COL-8: every cookie the site sets is declared, with its purpose, on /privacy.

Real flows set the cookies (a CSRF-checked sign-in, the device cookie it leaves, a notice carried
to the next page, signing out, the answer about preference cookies, the larger text it allows);
any cookie name they set that is not declared in the registry fails the test. (Every test fails
on such a cookie anyway: tests/conftest.py, ``_no_undeclared_cookie``.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse

from clientvault.privacy.cookies import CHOICE_COOKIE, TEXT_SIZE_COOKIE, declared, registry
from tests.accounts.personas import PASSWORD, customer  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


class CookieJar:
    """A browser that notes the name of every cookie any answer sets (or clears)."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.names: set[str] = set()

    def _seen(self, response: Any) -> Any:
        self.names |= set(response.cookies)
        return response

    def get(self, url: str) -> Any:
        return self._seen(self.client.get(url))

    def post(self, url: str, data: dict[str, str]) -> Any:
        token = self.client.cookies[settings.CSRF_COOKIE_NAME].value
        return self._seen(self.client.post(url, {**data, "csrfmiddlewaretoken": token}))


def _sign_in_notice_and_sign_out(jar: CookieJar, username: str) -> None:
    jar.get(reverse("accounts:login"))
    signed_in = jar.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert signed_in.status_code == 302, "the sign-in failed"
    jar.get(reverse("accounts:dashboard"))
    signed_out = jar.post(reverse("accounts:logout"), {})
    assert signed_out.status_code == 302
    notice = jar.get(signed_out["Location"])  # shows "You have signed out." and clears it
    assert "You have signed out." in notice.content.decode()


def _accept_and_choose_larger_text(jar: CookieJar) -> None:
    jar.get(reverse("home"))
    jar.post(reverse("privacy:cookies"), {"choice": "accepted", "next": "/"})
    jar.post(reverse("text_size"), {"size": "large", "next": "/"})
    assert jar.client.cookies[TEXT_SIZE_COOKIE].value == "large"


def test_every_cookie_real_flows_set_is_declared_on_the_privacy_page(customer):
    jar = CookieJar()
    _accept_and_choose_larger_text(jar)
    _sign_in_notice_and_sign_out(jar, customer.user.username)
    expected = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.CLIENTVAULT_DEVICE_COOKIE_NAME,
        CookieStorage.cookie_name,
        CHOICE_COOKIE,
        TEXT_SIZE_COOKIE,
    }
    assert jar.names >= expected, f"a flow did not set {expected - jar.names}"
    undeclared = jar.names - {cookie.name for cookie in registry()}
    assert not undeclared, f"cookies set but not declared on /privacy: {sorted(undeclared)}"
    policy = Client().get(reverse("privacy:policy")).content.decode()
    for name in jar.names:
        assert f"<code>{name}</code>" in policy


def test_the_declared_messages_cookie_is_the_one_the_messages_framework_sets():
    assert CookieStorage.cookie_name == settings.MESSAGES_COOKIE_NAME


def test_a_visitor_who_refuses_gets_only_strictly_necessary_cookies_and_uses_every_page(customer):
    jar = CookieJar()
    jar.get(reverse("home"))
    jar.post(reverse("privacy:cookies"), {"choice": "refused", "next": "/"})
    refused = jar.post(reverse("text_size"), {"size": "large", "next": "/"})
    assert refused.status_code == 302
    _sign_in_notice_and_sign_out(jar, customer.user.username)
    for name in jar.names:
        assert declared(name).necessary, f"{name} was set after preference cookies were refused"
    assert TEXT_SIZE_COOKIE not in jar.client.cookies


def test_without_an_answer_no_preference_cookie_is_set(customer):
    jar = CookieJar()
    jar.get(reverse("home"))
    jar.post(reverse("text_size"), {"size": "large", "next": "/"})
    _sign_in_notice_and_sign_out(jar, customer.user.username)
    assert all(declared(name).necessary for name in jar.names)
