# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""/cookies (COL-8): every cookie we set, the visitor's answer, and the form to change it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst

from clientvault.privacy.cookies import CHOICE_COOKIE, TEXT_SIZE_COOKIE, registry
from clientvault.privacy.models import ConsentRecord
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.personas import customer, make_staff, sign_in  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = "/cookies"
GPC = {"HTTP_SEC_GPC": "1"}


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _choose(client: Client, choice: str, next_: str = "/", **headers: str):
    return client.post(URL, {"choice": choice, "next": next_}, **headers)


def _notices(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_it_is_at_cookies():
    assert reverse("privacy:cookies") == URL


def test_it_lists_every_cookie_of_the_registry_and_asks(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = _text(response)
    for cookie in registry():
        assert f"<code>{cookie.name}</code>" in html
        assert f"{capfirst(cookie.purpose)}." in html
        assert capfirst(cookie.lifetime) in html
    assert "You have not chosen yet, so we set no preference cookies." in html
    assert 'value="accepted">Accept preference cookies</button>' in html
    assert 'value="refused">Refuse preference cookies</button>' in html


def test_accepting_remembers_the_answer_and_goes_back_to_the_page(client):
    response = _choose(client, "accepted", "/privacy?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/privacy?x=1"
    morsel = response.cookies[CHOICE_COOKIE]
    assert (morsel.value, morsel["max-age"], morsel["httponly"]) == ("accepted", 180 * 86400, True)
    assert "You accepted preference cookies" in _notices(response)
    assert "You have accepted preference cookies in this browser." in _text(client.get(URL))


def test_refusing_remembers_the_answer_and_removes_preference_cookies(client):
    client.cookies[CHOICE_COOKIE] = "accepted"
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    response = _choose(client, "refused")
    assert response.cookies[CHOICE_COOKIE].value == "refused"
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0
    assert "You have refused preference cookies in this browser." in _text(client.get(URL))


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", ""])
def test_it_goes_back_only_to_a_page_of_this_site(client, target):
    assert _choose(client, "refused", target)["Location"] == URL


def test_an_answer_that_is_neither_is_refused_and_nothing_is_set(client):
    response = client.post(URL, {"choice": "maybe", "next": "/"})
    assert response.status_code == 400
    assert CHOICE_COOKIE not in response.cookies
    assert "Choose to accept or to refuse preference cookies." in _text(response)


def test_a_signed_in_customers_answer_is_recorded_in_the_ledger(customer):
    client = sign_in(Client(), customer.user)
    _choose(client, "accepted")
    _choose(client, "accepted")
    _choose(client, "refused")
    records = ConsentRecord.objects.filter(subject=customer.subject).order_by("at", "id")
    assert list(records.values_list("purpose", "granted", "source", "actor_id")) == [
        (Purpose.PREFERENCE_COOKIES, True, "form", f"user:{customer.user.pk}"),
        (Purpose.PREFERENCE_COOKIES, False, "form", f"user:{customer.user.pk}"),
    ]
    assert "recorded with the choices of your account" in _text(client.get(URL))


def test_a_visitors_or_staff_answer_is_kept_only_in_the_browser():
    _choose(Client(), "accepted")
    _choose(sign_in(Client(), make_staff("support")), "accepted")
    assert not ConsentRecord.objects.exists()


def test_with_gpc_accepting_is_refused_and_the_page_says_the_signal_is_honoured(client):
    response = _choose(client, "accepted", **GPC)
    assert response.status_code == 302
    assert CHOICE_COOKIE not in response.cookies
    assert "Global Privacy Control" in _notices(response)
    html = _text(client.get(URL, **GPC))
    assert "Your browser sends the Global Privacy Control signal." in html
    assert "Accept preference cookies" not in html


def test_with_gpc_a_signed_in_customer_reads_that_the_refusal_is_recorded(customer):
    html = _text(sign_in(Client(), customer.user).get(URL, **GPC))
    assert "and we record that refusal with your choices" in html
    assert ConsentRecord.objects.filter(subject=customer.subject, source="gpc").exists()


def test_the_page_does_not_show_the_banner_which_would_ask_twice(client):
    assert 'class="cookie-banner"' not in client.get(URL).content.decode()
