"""COL-8 in the browser: the cookie banner asks on every page, refusing is as easy as accepting
and leaves every page usable, a preference (larger text) is remembered only with consent, and
Global Privacy Control refuses preference cookies, recorded in the ledger for a customer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from clientvault.privacy.cookies import CHOICE_COOKIE, TEXT_SIZE_COOKIE, declared
from clientvault.privacy.models import ConsentRecord
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.personas import PASSWORD
from tests.e2e.support import DESKTOP, PHONE, looks_right, sign_in_with_browser

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]
ACCEPT = "Accept preference cookies"
REFUSE = "Refuse preference cookies"


def _banner(page: Any) -> Any:
    return page.get_by_role("region", name="Cookie choice")


def _jar(page: Any) -> dict[str, str]:
    return {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}


def _only_strictly_necessary(page: Any) -> None:
    for name in _jar(page):
        cookie = declared(name)
        assert cookie is not None, f"{name} is in the browser, undeclared"
        assert cookie.necessary, f"{name} is in the browser"


def _text_is_large(page: Any) -> bool:
    return page.locator("html.text-large").count() == 1


def test_a_visitor_refuses_cookies_in_the_banner_and_still_signs_in_and_uses_pages(
    page, customer, shot
):
    page.goto("/")
    assert _banner(page).is_visible()
    looks_right(page, "the home page with the cookie banner")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        shot(page, f"cookie-banner-{size['width']}")
    _banner(page).get_by_role("button", name=REFUSE, exact=True).click()
    page.wait_for_url(f"**{reverse('home')}")
    assert "You refused preference cookies" in page.get_by_role("status").inner_text()
    assert _banner(page).count() == 0
    sign_in_with_browser(page, customer.user.username, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    for route in ("accounts:profile", "accounts:choices", "rights:privacy", "privacy:cookies"):
        response = page.goto(reverse(route))
        assert response.status == 200, route
        assert _banner(page).count() == 0, route
    assert "You have refused preference cookies in this browser." in page.inner_text("main")
    assert page.get_by_role("button", name="Larger text").count() == 0
    assert _jar(page)[CHOICE_COOKIE] == "refused"
    assert TEXT_SIZE_COOKIE not in _jar(page)
    _only_strictly_necessary(page)


def test_larger_text_is_remembered_only_after_accepting_and_forgotten_on_refusing(page, shot):
    page.goto(reverse("privacy:policy"))
    assert page.get_by_role("button", name="Larger text").count() == 0
    _banner(page).get_by_role("button", name=ACCEPT, exact=True).click()
    page.wait_for_url(f"**{reverse('privacy:policy')}")
    assert _banner(page).count() == 0
    page.get_by_role("button", name="Larger text", exact=True).click()
    page.wait_for_url(f"**{reverse('privacy:policy')}")
    assert _text_is_large(page)
    assert _jar(page)[TEXT_SIZE_COOKIE] == "large"
    looks_right(page, "the privacy policy in larger text")
    shot(page, "larger-text")
    page.goto(reverse("accounts:login"))
    assert _text_is_large(page)
    page.goto(reverse("privacy:cookies"))
    page.locator("main").get_by_role("button", name=REFUSE, exact=True).click()
    page.wait_for_url(f"**{reverse('privacy:cookies')}")
    assert not _text_is_large(page)
    assert TEXT_SIZE_COOKIE not in _jar(page)
    _only_strictly_necessary(page)


def test_with_global_privacy_control_no_preference_cookie_and_the_refusal_is_recorded(
    page, customer, live_server
):
    page.context.set_extra_http_headers({"Sec-GPC": "1"})
    # As if this browser had accepted before the visitor turned Global Privacy Control on.
    page.context.add_cookies(
        [
            {"name": CHOICE_COOKIE, "value": "accepted", "url": live_server.url},
            {"name": TEXT_SIZE_COOKIE, "value": "large", "url": live_server.url},
        ]
    )
    page.goto("/")
    assert _banner(page).count() == 0
    assert not _text_is_large(page)
    assert TEXT_SIZE_COOKIE not in _jar(page)
    assert page.get_by_role("button", name="Larger text").count() == 0
    page.goto(reverse("privacy:cookies"))
    assert "Your browser sends the Global Privacy Control signal" in page.inner_text("main")
    assert page.get_by_role("button", name=ACCEPT).count() == 0
    looks_right(page, "the cookies page with Global Privacy Control")
    sign_in_with_browser(page, customer.user.username, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    page.goto(reverse("accounts:profile"))
    page.goto(reverse("privacy:cookies"))
    assert "we record that refusal with your choices" in page.inner_text("main")
    records = ConsentRecord.objects.filter(subject=customer.subject)
    assert list(records.values_list("purpose", "granted", "source")) == [
        (Purpose.PREFERENCE_COOKIES, False, "gpc")
    ]
    assert TEXT_SIZE_COOKIE not in _jar(page)
    _only_strictly_necessary(page)
    page.goto("/.well-known/gpc.json")
    assert json.loads(page.inner_text("body"))["gpc"] is True
