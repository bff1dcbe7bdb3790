# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The cookie banner (COL-8): on every page until the visitor answers, with "refuse" as easy as
"accept", blocking nothing; not shown once answered, nor to a browser sending GPC."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from clientvault.privacy.cookies import CHOICE_COOKIE
from tests.accounts.personas import customer, make_staff, sign_in, sign_in_staff  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
BANNER = re.compile(
    r'<section class="cookie-banner" aria-label="Cookie choice">.*?</section>', re.S
)


def _banner(response) -> str:
    found = BANNER.search(response.content.decode())
    return found.group(0) if found else ""


def test_it_asks_on_the_first_page_with_two_equal_buttons_posting_a_plain_form(client):
    banner = _banner(client.get("/privacy"))
    assert '<form method="post" action="/cookies" class="cookie-choice">' in banner
    assert 'name="csrfmiddlewaretoken"' in banner
    assert '<input type="hidden" name="next" value="/privacy">' in banner
    buttons = re.findall(r"<button ([^>]*)>([^<]*)</button>", banner)
    assert buttons == [
        ('type="submit" name="choice" value="accepted"', "Accept preference cookies"),
        ('type="submit" name="choice" value="refused"', "Refuse preference cookies"),
    ]
    assert 'href="/cookies">About our cookies</a>' in banner


def test_it_stands_outside_the_main_content_so_it_hides_and_traps_nothing(client):
    page = client.get("/").content.decode()
    assert page.index('class="cookie-banner"') < page.index('<main id="main">')
    assert "dialog" not in _banner(client.get("/"))


@pytest.mark.parametrize(
    "route", ["home", "privacy:policy", "accounts:login", "support:forum", "legal:transparency"]
)
def test_it_is_on_every_kind_of_public_page(client, route):
    assert _banner(client.get(reverse(route)))


def test_it_is_on_the_page_not_found(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert _banner(response)


def test_it_is_on_the_customer_area_and_the_back_office(customer):
    assert _banner(sign_in(Client(), customer.user).get(reverse("accounts:dashboard")))
    staff = sign_in_staff(Client(), make_staff("support"))
    assert _banner(staff.get(reverse("accounts:staff_search")))


@pytest.mark.parametrize("answer", ["accepted", "refused"])
def test_once_answered_it_is_gone(client, answer):
    client.cookies[CHOICE_COOKIE] = answer
    assert not _banner(client.get("/"))


def test_a_browser_sending_gpc_is_not_asked(client):
    assert not _banner(client.get("/", HTTP_SEC_GPC="1"))


@override_settings(ROOT_URLCONF="tests.web.error_urls")
def test_a_server_error_page_renders_without_it():
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500
    assert not _banner(response)


def test_the_footer_links_to_the_cookies_page_on_every_page(client):
    assert '<a href="/cookies">Cookies</a>' in client.get("/").content.decode()
