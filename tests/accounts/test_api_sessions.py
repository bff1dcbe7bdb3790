"""/api/v1/sessions: the token user's own signed-in sessions, listed and ended."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clientvault.accounts.models import (
    ClientLogEntry,
    StoredSession,
    UserSession,
    session_key_digest,
)
from clientvault.accounts.services import create_api_token
from clientvault.accounts.sessionstore import SessionStore
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, outsider, staff, teammate  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SESSIONS = "/api/v1/sessions"
END_ALL = "/api/v1/sessions/end-all"


def _auth(person_or_user):
    user = getattr(person_or_user, "user", person_or_user)
    _, raw = create_api_token(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _session(user, *, minutes_ago=0, browser="Firefox on Linux", ip="192.0.2.10"):
    store = SessionStore()
    store.create()
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return UserSession.objects.create(
        user=user,
        subject=user.subject,
        key_digest=session_key_digest(store.session_key),
        ip_address=ip,
        browser=browser,
        created_at=at - timedelta(hours=1),
        last_seen_at=at,
    )


def test_it_lists_only_the_users_own_sessions_most_recent_first(client, customer, teammate):  # noqa: F811
    older = _session(customer.user, minutes_ago=30, browser="Safari on iOS", ip="2001:db8::1")
    newer = _session(customer.user)
    _session(teammate.user)
    response = client.get(SESSIONS, **_auth(customer))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 25)
    assert [item["id"] for item in body["items"]] == [str(newer.pk), str(older.pk)]
    item = body["items"][1]
    assert set(item) == {"id", "created_at", "last_seen_at", "browser", "ip_address"}
    assert (item["browser"], item["ip_address"]) == ("Safari on iOS", "2001:db8::1")


def test_it_shows_an_empty_list_when_there_are_no_sessions(client, customer):  # noqa: F811
    body = client.get(SESSIONS, **_auth(customer)).json()
    assert body == {"items": [], "count": 0, "page": 1, "page_size": 25}


def test_it_pages_sessions_25_at_a_time(client, customer):  # noqa: F811
    for n in range(27):
        _session(customer.user, minutes_ago=n)
    auth = _auth(customer)
    first = client.get(SESSIONS, **auth).json()
    second = client.get(SESSIONS, {"page": 2}, **auth).json()
    assert (len(first["items"]), len(second["items"]), second["count"]) == (25, 2, 27)
    assert client.get(SESSIONS, {"page": 0}, **auth).status_code == 422


def test_it_ends_one_session_and_its_django_session(client, customer):  # noqa: F811
    ended, kept = _session(customer.user), _session(customer.user)
    response = client.delete(f"{SESSIONS}/{ended.pk}", **_auth(customer))
    assert response.status_code == 204
    assert response.content == b""
    assert list(UserSession.objects.filter(user=customer.user)) == [kept]
    assert not StoredSession.objects.filter(key_digest=ended.key_digest).exists()
    assert StoredSession.objects.filter(key_digest=kept.key_digest).exists()


@pytest.mark.parametrize("owner_of_session", ["outsider", "teammate"])
def test_it_answers_404_for_someone_elses_session(client, request, customer, owner_of_session):  # noqa: F811
    other = request.getfixturevalue(owner_of_session)
    theirs = _session(other.user)
    response = client.delete(f"{SESSIONS}/{theirs.pk}", **_auth(customer))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_it_answers_404_for_an_unknown_session_and_422_for_a_malformed_id(client, customer):  # noqa: F811
    auth = _auth(customer)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.delete(f"{SESSIONS}/{unknown}", **auth).status_code == 404
    response = client.delete(f"{SESSIONS}/not-an-id", **auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "session_id"


def test_it_ends_every_session_of_the_user_and_nobody_elses(client, customer, teammate):  # noqa: F811
    mine = [_session(customer.user), _session(customer.user)]
    theirs = _session(teammate.user)
    auth = _auth(customer)
    response = client.post(END_ALL, **auth)
    assert response.status_code == 200
    assert response.json() == {"ended": 2, "tokens_revoked": 0}
    assert list(UserSession.objects.all()) == [theirs]
    assert not StoredSession.objects.filter(key_digest__in=[s.key_digest for s in mine]).exists()
    assert ClientLogEntry.objects.filter(
        customer=customer.customer, event="logged_out_everywhere"
    ).exists()
    assert client.get("/api/v1/me", **auth).status_code == 200  # the token itself still works


def test_it_revokes_every_other_token_of_the_login_and_keeps_the_callers(
    client,
    customer,  # noqa: F811
    teammate,  # noqa: F811
):
    laptop, phone, teammates = _auth(customer), _auth(customer), _auth(teammate)
    caller = _auth(customer)
    response = client.post(END_ALL, **caller)
    assert response.json() == {"ended": 0, "tokens_revoked": 2}
    assert client.get("/api/v1/me", **caller).status_code == 200
    assert client.get("/api/v1/me", **laptop).status_code == 401
    assert client.get("/api/v1/me", **phone).status_code == 401
    assert client.get("/api/v1/me", **teammates).status_code == 200
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 2


def test_its_schema_says_the_other_tokens_are_revoked(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][END_ALL]["post"]
    assert "revokes every other API token" in operation["description"]
    assert "The token making this call stays valid" in operation["description"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", SESSIONS), ("delete", f"{SESSIONS}/{{pk}}"), ("post", END_ALL)],
    ids=["list", "end", "end-all"],
)
def test_it_answers_a_staff_token_with_404(client, staff, method, path):  # noqa: F811
    user = staff("support")
    session = _session(user)
    response = getattr(client, method)(path.format(pk=session.pk), **_auth(user))
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", SESSIONS), ("delete", f"{SESSIONS}/{{pk}}"), ("post", END_ALL)],
    ids=["list", "end", "end-all"],
)
def test_it_refuses_a_request_without_a_token_with_401(client, customer, method, path):  # noqa: F811
    session = _session(customer.user)
    client.force_login(customer.user)  # a browser session is not a token
    response = getattr(client, method)(path.format(pk=session.pk))
    assert response.status_code == 401
    assert UserSession.objects.filter(pk=session.pk).exists()
