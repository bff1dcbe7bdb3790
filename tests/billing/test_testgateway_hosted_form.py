"""The test gateway's hosted pages: the card form checks what the payer types, keeps the card
on the gateway's side, and sends the browser back to the merchant's return address."""

from __future__ import annotations

import datetime
import urllib.request

import pytest

from clientvault.testgateway.server import card_errors
from tests.billing.gateway_server import CARD_FORM, a_customer, api, post_form, running_gateway

RETURN = "http://shop.test/account/billing/methods/return?session=0b7c"
CANCEL = "http://shop.test/account/billing/methods"


@pytest.fixture
def gateway():
    with running_gateway(merchant="Example Hosting") as running:
        yield running


def a_session(gateway, kind="card"):
    body = {
        "customer": a_customer(gateway),
        "kind": kind,
        "return_url": RETURN,
        "cancel_url": CANCEL,
    }
    status, session, _ = api(gateway, "POST", "/v1/setup_sessions", body)
    assert status == 200
    return session


def get(url):
    with urllib.request.urlopen(url) as answer:
        return answer.status, answer.read().decode(), dict(answer.headers)


def test_the_card_form_names_the_merchant_and_links_back_to_cancel(gateway):
    session = a_session(gateway)
    status, html, headers = get(session["url"])
    assert status == 200
    assert "Example Hosting" in html
    assert f'href="{CANCEL}"' in html
    assert '<label for="f-number">Card number</label>' in html
    assert 'autocomplete="cc-number"' in html
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "form-action 'self' http://shop.test" in headers["Content-Security-Policy"]


def test_a_good_card_is_saved_and_the_browser_goes_back_to_the_return_address(gateway):
    session = a_session(gateway)
    status, _, headers = post_form(session["url"], CARD_FORM)
    assert status == 303
    assert headers["Location"] == RETURN
    _, read, _ = api(gateway, "GET", f"/v1/setup_sessions/{session['id']}")
    assert read["status"] == "complete"
    assert read["payment_method"]["last4"] == "4242"
    stored = gateway.store.one("SELECT number FROM methods")
    assert stored == {"number": "4242424242424242"}  # kept by the provider, never sent back


def test_sending_the_form_again_saves_nothing_more(gateway):
    session = a_session(gateway)
    post_form(session["url"], CARD_FORM)
    status, _, headers = post_form(session["url"], {**CARD_FORM, "number": "5555555555554444"})
    assert (status, headers["Location"]) == (303, RETURN)
    assert len(gateway.store.all("SELECT token FROM methods")) == 1
    status, html, _ = get(session["url"])
    assert "already been added" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", "", "Enter the card number"),
        ("number", "4242 4242 4242 4241", "This card number is not valid: check the digits"),
        ("number", "1234", "Enter the card number as it is on the card: 13 to 19 digits"),
        ("expiry", "", "Enter the expiry date"),
        ("expiry", "13/30", "Enter the expiry date as MM/YY, for example 04/29"),
        ("expiry", "01/20", "This card has expired: the expiry date must be in the future"),
        ("cvc", "12", "Enter the security code: the 3 or 4 digits printed on the card"),
        ("cvc", "", "Enter the security code"),
        ("name", "", "Enter the name as it is on the card"),
        ("address_line1", "", "Enter the first line of the billing address"),
        ("country", "Germany", "Enter the country as two letters, for example DE or FR"),
    ],
)
def test_each_wrong_field_is_named_beside_it(gateway, field, value, message):
    session = a_session(gateway)
    status, html, _ = post_form(session["url"], {**CARD_FORM, field: value})
    assert status == 200
    assert f'<p class="error" id="f-{field}_error">{message}</p>' in html
    assert f'<li><a href="#f-{field}">{message}</a></li>' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error: Add a card" in html
    assert gateway.store.all("SELECT token FROM methods") == []


def test_the_number_and_security_code_are_never_filled_back_in(gateway):
    session = a_session(gateway)
    typed = {**CARD_FORM, "number": "5555 5555 5555 4444", "cvc": "987", "name": ""}
    _, html, _ = post_form(session["url"], typed)
    assert "5555" not in html
    assert "987" not in html
    assert 'value="12 Marylebone Road"' in html


def test_what_the_payer_typed_is_escaped(gateway):
    session = a_session(gateway)
    _, html, _ = post_form(session["url"], {**CARD_FORM, "city": "<script>x</script>", "cvc": ""})
    assert "<script>x" not in html
    assert "&lt;script&gt;x" in html


def test_the_wallet_page_asks_for_an_email_and_approves(gateway):
    session = a_session(gateway, kind="wallet")
    _, html, _ = get(session["url"])
    assert "Approve Example Hosting" in html
    status, html, _ = post_form(session["url"], {"email": "not-an-address"})
    assert "Enter the e-mail address in the right form" in html
    status, _, headers = post_form(session["url"], {"email": "ada@example.com"})
    assert (status, headers["Location"]) == (303, RETURN)
    _, read, _ = api(gateway, "GET", f"/v1/setup_sessions/{session['id']}")
    method = read["payment_method"]
    assert (method["kind"], method["brand"], method["last4"]) == ("wallet", "test wallet", "")
    assert "ada@example.com" not in str(read)


def test_an_unknown_session_is_a_page_not_found(gateway):
    status, html, _ = post_form(f"{gateway.url}/setup/seti_nothing", CARD_FORM)
    assert status == 404
    assert "Page not found" in html


def test_the_stylesheet_comes_from_the_gateway_itself(gateway):
    status, css, headers = get(f"{gateway.url}/static/form.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "http" not in css


def test_the_expiry_is_compared_with_today():
    today = datetime.date(2030, 6, 15)
    assert "expiry" not in card_errors({**CARD_FORM, "expiry": "06/30"}, today)
    assert "expiry" in card_errors({**CARD_FORM, "expiry": "05/30"}, today)
    assert "expiry" not in card_errors({**CARD_FORM, "expiry": "0631"}, today)
    assert "expiry" not in card_errors({**CARD_FORM, "expiry": "7 / 2031"}, today)
