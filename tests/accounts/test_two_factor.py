"""The second factor: enrolling an app, codes at sign-in, recovery codes, staff, the gate."""

import re
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from clientvault.accounts.models import (
    AuthenticatorDevice,
    ClientLogEntry,
    LoginEvent,
    RecoveryCode,
    recovery_code_digest,
)
from clientvault.accounts.services.sessions import REAUTH_AT
from clientvault.accounts.services.twofactor import confirm_totp, new_totp_key
from clientvault.privacy.profile import current_profile
from tests.accounts import personas
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor")
SECURITY = reverse("accounts:security")


def code_for(key: str, offset: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def sign_in(client, username="ada", **extra):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, **extra})


def enrolled(user):
    """Enrolled half a minute ago (so the code shown now is a new one)."""
    key = new_totp_key()
    codes = confirm_totp(user=user, key=key, code=code_for(key, offset=-30), actor=user)
    return key, codes


def recovery_codes_only(user):
    """A login whose only confirmed device is its recovery codes (the app was removed)."""
    _, codes = enrolled(user)
    AuthenticatorDevice.objects.filter(user=user).delete()
    return codes


@pytest.fixture
def mandatory_for_customers(settings, tmp_path):
    preset = Path(settings.BASE_DIR, "clientvault/privacy/presets/need-to-know.toml")
    text = preset.read_text().replace(
        "customer_2fa_required = false", "customer_2fa_required = true"
    )
    path = tmp_path / "profile.toml"
    path.write_text(text)
    settings.CLIENTVAULT_POLICY = path
    current_profile.cache_clear()
    assert current_profile().customer_2fa_required
    yield
    current_profile.cache_clear()


def test_a_customer_enrols_an_app_and_sees_recovery_codes_once(customer):
    client = Client()
    sign_in(client)
    page = client.get(SETUP).content.decode()
    key = client.session["cv_totp_setup_key"]
    assert "<svg" in page
    assert "otpauth://totp/" in page
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    response = client.post(SETUP, {"code": code_for(key)})
    assert response["Location"].startswith(reverse("accounts:recovery_codes"))
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not re.findall(r"<li><code>", again)
    assert "10 unused recovery codes" in again
    assert AuthenticatorDevice.objects.get(user=customer.user).confirmed
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="two_factor_enabled")


def test_it_refuses_a_wrong_code_at_enrolment(customer):
    client = Client()
    sign_in(client)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "that is not the current code from your app" in response.content.decode()
    assert not AuthenticatorDevice.objects.filter(user=customer.user).exists()


def test_sign_in_asks_for_the_code_and_rotates_the_session_again(customer):
    key, _ = enrolled(customer.user)
    client = Client()
    response = sign_in(client, next="/security")
    assert response["Location"] == f"{VERIFY}?next=%2Fsecurity"
    assert client.get(SECURITY)["Location"].startswith(VERIFY)  # the gate holds
    assert not LoginEvent.objects.filter(user=customer.user).exists()
    before = client.session.session_key
    response = client.post(VERIFY, {"code": code_for(key), "next": "/security"})
    assert response["Location"] == "/security"
    assert client.session.session_key != before
    assert client.get(SECURITY).status_code == 200
    assert LoginEvent.objects.get(user=customer.user).outcome == "success"


def test_a_wrong_code_is_refused_and_recorded(customer):
    enrolled(customer.user)
    client = Client()
    sign_in(client)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert "that code is not right" in response.content.decode()
    assert LoginEvent.objects.get(user=customer.user).outcome == "failure"
    assert client.get(SECURITY).status_code == 302


def test_a_recovery_code_works_once(customer):
    _, codes = enrolled(customer.user)
    first = Client()
    sign_in(first)
    response = first.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert RecoveryCode.objects.filter(device__user=customer.user).count() == 9
    second = Client()
    sign_in(second)
    assert "that code is not right" in second.post(VERIFY, {"code": codes[0]}).content.decode()


def test_it_throttles_codes_after_five_failures(customer):
    key, _ = enrolled(customer.user)
    client = Client()
    sign_in(client)
    for _ in range(5):
        assert client.post(VERIFY, {"code": "111111"}).status_code == 200
    refused = client.post(VERIFY, {"code": code_for(key)})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()


def test_staff_enrol_at_their_first_sign_in():
    staff = make_staff("support")
    AuthenticatorDevice.objects.filter(user=staff).delete()
    client = Client()
    response = sign_in(client, staff.username)
    assert response["Location"].startswith(SETUP)
    assert client.get(reverse("accounts:staff_search"))["Location"].startswith(SETUP)
    client.get(SETUP)
    key = client.session["cv_totp_setup_key"]
    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:staff_search")).status_code == 200
    assert LoginEvent.objects.get(user=staff).outcome == "success"


def test_staff_with_an_app_give_a_code_at_each_sign_in():
    staff = make_staff("billing")
    client = Client()
    response = sign_in(client, staff.username)
    assert response["Location"].startswith(VERIFY)
    assert client.get(reverse("accounts:staff_search"))["Location"].startswith(VERIFY)


def test_staff_cannot_turn_the_second_factor_off():
    staff = make_staff("support")
    key = AuthenticatorDevice.objects.get(user=staff).key
    client = Client()
    sign_in(client, staff.username)
    client.post(VERIFY, {"code": code_for(key)})
    response = client.post(reverse("accounts:two_factor_disable"))
    assert response["Location"] == SECURITY
    assert AuthenticatorDevice.objects.filter(user=staff).exists()


def test_the_policy_profile_can_make_it_mandatory_for_customers(customer, mandatory_for_customers):
    client = Client()
    assert sign_in(client)["Location"].startswith(SETUP)
    assert client.get(SECURITY)["Location"].startswith(SETUP)


def test_turning_it_off_asks_for_the_password_again(customer):
    key, _ = enrolled(customer.user)
    client = Client()
    sign_in(client)
    client.post(VERIFY, {"code": code_for(key)})
    session = client.session
    session[REAUTH_AT] -= 6 * 60
    session.save()
    disable = reverse("accounts:two_factor_disable")
    response = client.post(disable)
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert AuthenticatorDevice.objects.filter(user=customer.user).exists()
    wrong = client.post(reverse("accounts:reauth"), {"password": "nope", "next": disable})
    assert "not your current password" in wrong.content.decode()
    response = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": disable})
    assert response["Location"] == disable
    client.post(disable)
    assert not AuthenticatorDevice.objects.filter(user=customer.user).exists()
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="two_factor_disabled")


def test_new_recovery_codes_replace_the_old(customer):
    key, old = enrolled(customer.user)
    client = Client()
    sign_in(client)
    client.post(VERIFY, {"code": code_for(key)})
    response = client.post(reverse("accounts:recovery_codes_renew"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not RecoveryCode.objects.filter(digest__in=map(recovery_code_digest, old)).exists()


def test_the_gate_lets_an_unverified_session_only_reach_the_sign_in_pages(customer):
    enrolled(customer.user)
    client = Client()
    sign_in(client)
    assert client.get(VERIFY).status_code == 200
    assert client.get(reverse("privacy:policy")).status_code == 200
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(VERIFY)
    assert client.post(reverse("accounts:logout")).status_code == 302


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_it_asks_for_recovery_codes_before_enrolling_a_new_app(who, customer):
    user = make_staff("support") if who == "staff" else customer.user
    codes = recovery_codes_only(user)
    home = reverse("accounts:staff_search" if who == "staff" else "accounts:dashboard")
    client = Client()
    assert sign_in(client, user.username)["Location"].startswith(VERIFY)
    refused = client.get(SETUP)
    assert refused.status_code == 302
    assert refused["Location"].startswith(VERIFY)
    attacker_key = new_totp_key()
    assert client.post(SETUP, {"code": code_for(attacker_key)})["Location"].startswith(VERIFY)
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert client.get(home)["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302  # the factor, given
    assert client.get(home).status_code == 200
    client.get(SETUP)
    key = client.session["cv_totp_setup_key"]
    assert client.post(SETUP, {"code": code_for(key)}).status_code == 302
    assert AuthenticatorDevice.objects.get(user=user).confirmed


def test_it_refuses_the_enrolment_code_again_at_sign_in(customer):
    key = new_totp_key()
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    step, code = totp.t(), f"{totp.token():06d}"
    confirm_totp(user=customer.user, key=key, code=code, actor=customer.user)
    client = Client()
    sign_in(client)
    replayed = client.post(VERIFY, {"code": code})
    assert "that code is not right, or it has been used already" in replayed.content.decode()
    assert client.get(SECURITY)["Location"].startswith(VERIFY)
    assert AuthenticatorDevice.objects.get(user=customer.user).last_t == step


def test_a_correct_code_right_after_wrong_ones_is_accepted(customer):
    key, _ = enrolled(customer.user)
    client = Client()
    sign_in(client)
    for _ in range(2):
        assert "that code is not right" in client.post(VERIFY, {"code": "111111"}).content.decode()
    response = client.post(VERIFY, {"code": code_for(key), "next": "/security"})
    assert response.status_code == 302
    assert response["Location"] == "/security"
    assert client.get(SECURITY).status_code == 200
