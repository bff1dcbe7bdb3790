import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from clientvault.accounts.models import ApiToken, User
from clientvault.accounts.services import create_api_token, revoke_api_token
from clientvault.api import api

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ME = "/api/v1/me"


@pytest.fixture
def user():
    return User.objects.create_user(
        username="ada", password="irrelevant-here", email="ada@example.com", first_name="Ada"
    )


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_opens_me_and_shows_nothing_else_personal(client, user):
    token, raw = create_api_token(user=user, name="laptop")
    response = client.get(ME, **_bearer(raw))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"id", "username", "is_staff", "token_expires_at"}
    assert (body["id"], body["username"], body["is_staff"]) == (user.pk, "ada", False)
    assert body["token_expires_at"].startswith(token.expires_at.date().isoformat())


def _expire(user, token):
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def _revoke(user, token):
    revoke_api_token(token=token, actor=user)


def _deactivate(user, token):
    User.objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize(
    ("spoil", "header"),
    [
        (None, None),
        (None, "Bearer"),
        (None, "Bearer cv_aaaaaaaaaa_not-a-real-secret"),
        (None, "Basic {raw}"),
        (None, "{raw}"),
        (None, "Bearer {raw}x"),
        (_expire, "Bearer {raw}"),
        (_revoke, "Bearer {raw}"),
        (_deactivate, "Bearer {raw}"),
    ],
    ids=[
        "missing",
        "empty",
        "unknown",
        "basic",
        "no-scheme",
        "wrong",
        "expired",
        "revoked",
        "inactive-user",
    ],
)
def test_it_refuses_every_bad_token_with_the_same_401(client, user, spoil, header):
    token, raw = create_api_token(user=user, name="laptop")
    if spoil:
        spoil(user, token)
    extra = {"HTTP_AUTHORIZATION": header.format(raw=raw)} if header else {}
    response = client.get(ME, **extra)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "A valid API token is required."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_browser_session_without_a_token(client, user):
    client.force_login(user)
    assert client.get(ME).status_code == 401


def test_it_answers_unknown_paths_with_json(client):
    for path in ["/api/v1/", "/api/v1/no/such/thing"]:
        response = client.post(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_it_answers_a_server_error_with_json_and_no_traceback(settings, caplog):
    settings.DEBUG = True  # ninja's own handler would return a traceback here
    request = RequestFactory().get(ME)
    try:
        raise RuntimeError("ada@example.com broke it")
    except RuntimeError as error:
        response = api.on_exception(request, error)
    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Internal server error."}
    assert "RuntimeError" in caplog.text
    assert "ada@example.com" not in caplog.text
