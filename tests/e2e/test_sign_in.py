"""Signing in with the username or the e-mail address (SEC-2), and signing out."""

import pytest
from django.urls import reverse

from clientvault.accounts.models import LoginEvent
from tests.accounts.personas import OWNER_DETAILS, PASSWORD
from tests.e2e.support import (
    PHONE_TABLES,
    overflow_on_phone,
    sign_in_with_browser,
    sign_out_with_browser,
    unlabelled_tables_on_phone,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


@pytest.mark.parametrize("identifier", ["ada", "ADA@Example.com"], ids=["username", "e-mail"])
def test_a_customer_signs_in_sees_it_in_the_history_and_signs_out(page, customer, identifier, shot):
    page.goto(reverse("accounts:login"))
    assert overflow_on_phone(page) == []
    shot(page, "login")
    sign_in_with_browser(page, identifier, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    assert OWNER_DETAILS["given_name"] in page.inner_text("main")
    assert LoginEvent.objects.filter(user=customer.user, outcome="success").count() == 1
    page.goto(reverse("accounts:security"))  # the login history: time, IP address, browser
    history = page.locator("main").inner_text()
    assert "127.0.0.1" in history
    assert "Chrome" in history
    assert overflow_on_phone(page) == []
    assert unlabelled_tables_on_phone(page) == [], PHONE_TABLES
    shot(page, "security")
    sign_out_with_browser(page)
    page.goto(reverse("accounts:dashboard"))
    assert page.url.split("?")[0].endswith(reverse("accounts:login"))


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(page, customer):
    answers = []
    for identifier in ("ada", "nobody-here@example.com"):
        sign_in_with_browser(page, identifier, "not-the-password")
        answers.append(page.locator("main").inner_text())
    assert answers[0] == answers[1]
    assert "do not match" in answers[0]
    assert page.url.split("?")[0].endswith(reverse("accounts:login"))


def test_the_sign_in_page_keeps_the_username_but_never_the_password(page, customer):
    sign_in_with_browser(page, "ada", "not-the-password")
    assert page.get_by_label("Username or e-mail address", exact=True).input_value() == "ada"
    assert page.get_by_label("Password", exact=True).input_value() == ""
