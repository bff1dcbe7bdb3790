"""The session engine: the database names a session by a digest of its key and cannot read it."""

import base64
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from clientvault.accounts.models import (
    AuthenticatorDevice,
    StoredSession,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.sessionstore import SessionStore
from tests.accounts import personas
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")
SECURITY = reverse("accounts:security")
STAFF_HOME = reverse("accounts:staff_search")


def cookie(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def staff_signed_in():
    """A support agent signed in with the password and a code from their authenticator."""
    staff = make_staff("support")
    client = Client()
    client.post(LOGIN, {"username": staff.username, "password": PASSWORD})
    key = AuthenticatorDevice.objects.get(user=staff).key
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    assert client.post(VERIFY, {"code": code})["Location"] == STAFF_HOME
    assert client.get(STAFF_HOME).status_code == 200
    return staff, client


def test_the_database_names_a_session_by_the_digest_of_its_key(customer):
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    key = cookie(client)
    digest = session_key_digest(key)
    assert list(StoredSession.objects.values_list("key_digest", flat=True)) == [digest]
    assert UserSession.objects.get(user=customer.user).key_digest == digest
    assert not StoredSession.objects.filter(key_digest=key).exists()


def test_a_session_copied_from_the_database_does_not_sign_in():
    """A staff session past its second factor: neither stored name of it works as a cookie."""
    staff, _ = staff_signed_in()
    stored = [
        *StoredSession.objects.values_list("key_digest", flat=True),
        *UserSession.objects.filter(user=staff).values_list("key_digest", flat=True),
    ]
    assert stored
    for value in stored:
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = value
        response = thief.get(STAFF_HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_the_data_of_a_session_opens_only_with_its_cookie(customer):
    """While an app is enrolled the session holds its secret: the row alone does not show it."""
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    client.get(SETUP)
    secret = client.session["cv_totp_setup_key"]
    row = StoredSession.objects.get()
    assert DjangoSessionStore().decode(row.session_data) == {}  # not Django's readable form
    assert secret not in row.session_data
    assert SessionStore(cookie(client)).load()["cv_totp_setup_key"] == secret


def test_an_altered_session_row_signs_nobody_in(customer):
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    row = StoredSession.objects.get()
    sealed = bytearray(base64.b64decode(row.session_data))
    sealed[-1] ^= 1
    row.session_data = base64.b64encode(sealed).decode()
    row.save()
    assert client.get(SECURITY)["Location"].startswith(LOGIN)


def test_the_key_changes_at_the_second_factor_and_the_old_one_stops_working():
    staff = make_staff("billing")
    client = Client()
    client.post(LOGIN, {"username": staff.username, "password": PASSWORD})
    before = cookie(client)
    key = AuthenticatorDevice.objects.get(user=staff).key
    client.post(VERIFY, {"code": f"{TOTP(bytes.fromhex(key)).token():06d}"})
    after = cookie(client)
    assert after != before
    assert not StoredSession.objects.filter(key_digest=session_key_digest(before)).exists()
    assert UserSession.objects.get(user=staff).key_digest == session_key_digest(after)
    old = Client()
    old.cookies[settings.SESSION_COOKIE_NAME] = before
    assert old.get(STAFF_HOME)["Location"].startswith(LOGIN)


def test_an_expired_session_signs_nobody_in_and_is_cleared(customer):
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    StoredSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(SECURITY)["Location"].startswith(LOGIN)
    SessionStore.clear_expired()
    assert not StoredSession.objects.filter(expire_date__lt=timezone.now()).exists()


def test_signing_out_deletes_the_stored_session(customer):
    client = Client()
    client.post(LOGIN, {"username": "ada", "password": PASSWORD})
    key = cookie(client)
    client.post(reverse("accounts:logout"))
    assert not StoredSession.objects.filter(key_digest=session_key_digest(key)).exists()
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stale.get(SECURITY)["Location"].startswith(LOGIN)
