"""A customer turns on two-step sign-in with an authenticator app, then signs in with it."""

import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from clientvault.accounts.models import AuthenticatorDevice
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    error_for,
    overflow_on_phone,
    sign_in_with_browser,
    sign_out_with_browser,
    submit,
    totp_code,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]
BASE32_GROUPS = re.compile(r"\b(?:[A-Z2-7]{4} ){7,}[A-Z2-7]{1,4}\b")


def _secret_on(page) -> str:
    found = BASE32_GROUPS.search(page.locator("main").inner_text())
    assert found, "the set-up page shows no secret to type into an app"
    return found.group(0)


def _next_code(secret: str) -> str:
    """The code the app shows half a minute from now: the one that confirmed enrolment is spent
    (the device keeps its time step), and one step ahead is within the tolerance."""
    cleaned = secret.replace(" ", "")
    totp = TOTP(b32decode(cleaned + "=" * (-len(cleaned) % 8)))
    totp.time = time.time() + 30
    return f"{totp.token():06d}"


def _reauthenticate_if_asked(page) -> None:
    if page.url.split("?")[0].endswith(reverse("accounts:reauth")):
        page.get_by_label("Your password", exact=True).fill(PASSWORD)
        submit(page)
        page.wait_for_load_state()


def test_a_customer_enrols_an_authenticator_and_signs_in_with_it(page, customer, shot):
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:two_factor_setup"))
    _reauthenticate_if_asked(page)
    page.wait_for_url(f"**{reverse('accounts:two_factor_setup')}*")
    assert page.locator("main svg").count() == 1, "no QR code"
    assert overflow_on_phone(page) == []
    shot(page, "two-factor-setup")
    secret = _secret_on(page)
    page.get_by_label("Code from your app", exact=True).fill(totp_code(secret))
    submit(page)
    page.wait_for_load_state()
    assert AuthenticatorDevice.objects.filter(user=customer.user, confirmed=True).count() == 1
    codes = re.findall(r"\b[a-z0-9]{8}\b", page.locator("main ul").inner_text())
    assert len(codes) == 10, "the recovery codes are not shown once enrolled"
    assert overflow_on_phone(page) == []
    shot(page, "recovery-codes")
    with page.expect_navigation():
        page.get_by_role("link", name="I have saved my codes").click()
    sign_out_with_browser(page)

    sign_in_with_browser(page, "ada@example.com", PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:two_factor')}*")
    shot(page, "two-factor")
    page.goto(reverse("accounts:dashboard"))  # not yet: the code is still due
    page.wait_for_url(f"**{reverse('accounts:two_factor')}*")
    page.get_by_label("Code", exact=True).fill("000000")
    submit(page)
    assert "Code" in error_for(page, "Code")
    page.get_by_label("Code", exact=True).fill(_next_code(secret))
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
    sign_out_with_browser(page)

    sign_in_with_browser(page, "ada", PASSWORD)  # a recovery code instead of the app, once
    page.get_by_label("Code", exact=True).fill(codes[0])
    submit(page)
    page.wait_for_url(f"**{reverse('accounts:dashboard')}")
