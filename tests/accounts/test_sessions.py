"""Sessions: idle and absolute timeouts, activity at most once a minute, ending sessions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import (
    ClientLogEntry,
    StoredSession,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.services import authenticate_api_token, create_api_token
from clientvault.accounts.services.sessions import (
    LOGIN_AT,
    SEEN_AT,
    end_all_sessions,
    end_session,
    sign_out_everywhere,
)
from clientvault.privacy.models import AuditEvent
from tests.accounts import personas
from tests.accounts.personas import OUTSIDER_DETAILS, PASSWORD, open_test_account

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
SECURITY = reverse("accounts:security")


def signed_in(username="ada", **client_kwargs):
    client = Client(**client_kwargs)
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def digest(client):
    """How the database names the client's session."""
    return session_key_digest(client.session.session_key)


def shift(client, key, seconds):
    """Move a time kept in the session ``seconds`` into the past."""
    session = client.session
    session[key] -= seconds
    session.save()


def test_it_keeps_an_active_session(customer):
    client = signed_in()
    shift(client, SEEN_AT, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get(SECURITY).status_code == 200


def test_it_signs_out_an_idle_session_and_says_why(customer):
    client = signed_in()
    key = client.session.session_key
    shift(client, SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(SECURITY)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fsecurity"
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(key_digest=session_key_digest(key)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert AuditEvent.objects.filter(action="session.expired", details__reason="idle")


def test_it_ends_a_session_at_its_absolute_limit_however_active(customer):
    client = signed_in()
    shift(client, LOGIN_AT, settings.SESSION_COOKIE_AGE + 1)  # last seen just now
    response = client.get(SECURITY)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "reached its 12-hour limit" in page


def test_it_notes_activity_at_most_once_a_minute(customer):
    client = signed_in()
    tracked = UserSession.objects.get(user=customer.user)
    old = timezone.now() - timedelta(minutes=10)
    UserSession.objects.filter(pk=tracked.pk).update(last_seen_at=old)
    client.get(SECURITY)  # seen moments ago: not written again
    tracked.refresh_from_db()
    assert tracked.last_seen_at == old
    shift(client, SEEN_AT, 61)
    client.get(SECURITY)
    tracked.refresh_from_db()
    assert tracked.last_seen_at > old
    assert timezone.now().timestamp() - client.session[SEEN_AT] < 5


def test_ending_one_session_signs_that_browser_out(customer):
    phone, laptop = signed_in(), signed_in()
    phone_session = UserSession.objects.get(key_digest=digest(phone))
    response = laptop.post(reverse("accounts:sessions_end", args=[phone_session.pk]))
    assert response["Location"] == SECURITY
    assert not StoredSession.objects.filter(key_digest=phone_session.key_digest).exists()
    assert phone.get(SECURITY).status_code == 302  # signed out
    assert laptop.get(SECURITY).status_code == 200


def test_nobody_ends_another_persons_session(customer):
    phone = signed_in()
    other = UserSession.objects.get(key_digest=digest(phone))
    open_test_account(username="otto", details=OUTSIDER_DETAILS)
    otto = signed_in("otto")
    response = otto.post(reverse("accounts:sessions_end", args=[other.pk]))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=other.pk).exists()


def test_log_out_everywhere_ends_every_session_and_logs_it(customer):
    phone, laptop = signed_in(), signed_in()
    response = laptop.post(reverse("accounts:sessions_end_all"))
    assert response["Location"] == LOGIN
    assert not UserSession.objects.filter(user=customer.user).exists()
    assert phone.get(SECURITY).status_code == 302
    assert laptop.get(SECURITY).status_code == 302
    entry = ClientLogEntry.objects.get(customer=customer.customer, event="logged_out_everywhere")
    assert entry.detail == "2 sessions ended"


def test_the_services_delete_the_django_sessions_too(customer):
    clients = [signed_in() for _ in range(3)]
    digests = [digest(c) for c in clients]
    end_session(user_session=UserSession.objects.get(key_digest=digests[0]), actor=customer.user)
    assert not StoredSession.objects.filter(key_digest=digests[0]).exists()
    assert end_all_sessions(user=customer.user, actor=customer.user) == 2
    assert not StoredSession.objects.filter(key_digest__in=digests).exists()
    assert AuditEvent.objects.filter(action="session.ended_all", details__count=2).exists()


def test_sign_out_requires_post_and_ends_the_tracked_session(customer):
    client = signed_in()
    assert client.get(reverse("accounts:logout")).status_code == 200  # the page with the button
    assert UserSession.objects.filter(user=customer.user).exists()
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=customer.user).exists()


def test_it_revokes_every_api_token_when_signing_out_everywhere(customer):
    _, raw = create_api_token(user=customer.user, name="made from a stolen session")
    laptop = signed_in()
    response = laptop.post(reverse("accounts:sessions_end_all"), follow=True)
    assert authenticate_api_token(raw) is None
    page = response.content.decode()
    assert "You are signed out everywhere. 1 session signed out. 1 API token revoked." in page
    entry = ClientLogEntry.objects.get(customer=customer.customer, event="api_token_revoked")
    assert entry.detail == "1 token revoked: signed out everywhere"
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_signing_out_everywhere_can_keep_one_session_and_still_revokes_the_tokens(customer):
    _, raw = create_api_token(user=customer.user, name="laptop")
    phone, laptop = signed_in(), signed_in()
    kept = laptop.session.session_key
    secured = sign_out_everywhere(user=customer.user, actor=customer.user, reason="test", keep=kept)
    assert (secured.sessions_ended, secured.tokens_revoked) == (1, 1)
    assert list(UserSession.objects.values_list("key_digest", flat=True)) == [digest(laptop)]
    assert laptop.get(SECURITY).status_code == 200
    assert phone.get(SECURITY).status_code == 302
    assert authenticate_api_token(raw) is None


def test_ending_this_browsers_own_session_signs_it_out(customer):
    laptop, phone = signed_in(), signed_in()
    own = UserSession.objects.get(key_digest=digest(laptop))
    page = laptop.get(SECURITY).content.decode()
    assert page.count("(this browser)") == 2  # its row's text and its button's label
    response = laptop.post(reverse("accounts:sessions_end", args=[own.pk]))
    assert response["Location"] == LOGIN
    assert laptop.get(SECURITY).status_code == 302
    assert not StoredSession.objects.filter(key_digest=own.key_digest).exists()
    assert phone.get(SECURITY).status_code == 200
