import json
from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from ninja.errors import ValidationError as NinjaValidationError

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
    assert (body["id"], body["username"], body["is_staff"]) == (str(user.pk), "ada", False)
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


# --- the accounts API as a whole: its schema and its error answers ----------------------------

OPERATIONS = {
    ("/api/v1/me", "get"): ({"200", "401"}, None),
    ("/api/v1/profile", "get"): ({"200", "401", "404"}, None),
    ("/api/v1/profile", "patch"): (
        {"200", "400", "401", "403", "404", "413", "422"},
        "ProfilePatch",
    ),
    ("/api/v1/users", "get"): ({"200", "401", "403", "404", "422"}, None),
    ("/api/v1/users/invitations", "post"): (
        {"201", "400", "401", "403", "404", "413", "422"},
        "InvitationIn",
    ),
    ("/api/v1/users/{person_id}", "patch"): (
        {"200", "400", "401", "403", "404", "413", "422"},
        "PermissionsIn",
    ),
    ("/api/v1/users/{person_id}", "delete"): ({"204", "401", "403", "404", "422"}, None),
    ("/api/v1/sessions", "get"): ({"200", "401", "404", "422"}, None),
    ("/api/v1/sessions/{session_id}", "delete"): ({"204", "401", "404", "422"}, None),
    ("/api/v1/sessions/end-all", "post"): ({"200", "401", "404"}, None),
}
ERROR_SCHEMAS = {"#/components/schemas/Error", "#/components/schemas/ValidationErrors"}


@pytest.fixture(scope="module")
def schema():
    return json.loads(json.dumps(api.get_openapi_schema()))  # as served: string status codes


@pytest.mark.parametrize(("path", "method"), list(OPERATIONS), ids=lambda part: str(part))
def test_every_endpoint_is_in_the_schema_with_its_bodies_and_errors(schema, path, method):
    operation = schema["paths"][path][method]
    codes, request_body = OPERATIONS[(path, method)]
    assert set(operation["responses"]) == codes
    assert operation["security"] == [{"ApiTokenAuth": []}]
    assert operation["summary"]
    for code, answer in operation["responses"].items():
        if code >= "400":
            ref = answer["content"]["application/json"]["schema"]["$ref"]
            assert ref in ERROR_SCHEMAS
    if request_body is None:
        assert "requestBody" not in operation
    else:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{request_body}"}


def test_the_schema_describes_field_errors_and_pages(schema):
    components = schema["components"]["schemas"]
    field_error = components["FieldError"]["properties"]
    assert set(field_error) == {"field", "message"}
    assert components["ValidationErrors"]["properties"]["detail"]["type"] == "array"
    assert set(components["PagedUserOut"]["properties"]) == {"items", "count", "page", "page_size"}
    assert components["ProfilePatch"]["additionalProperties"] is False


def _answer(error):
    response = api.on_exception(RequestFactory().get(ME), error)
    return response.status_code, json.loads(response.content)


def test_it_answers_a_services_validation_error_with_422_naming_each_field():
    error = ValidationError(
        {"phone": ["Telephone: bad.", "Telephone: worse."], NON_FIELD_ERRORS: ["Whole form."]}
    )
    assert _answer(error) == (
        422,
        {
            "detail": [
                {"field": "phone", "message": "Telephone: bad."},
                {"field": "phone", "message": "Telephone: worse."},
                {"field": None, "message": "Whole form."},
            ]
        },
    )
    assert _answer(ValidationError("Not now.")) == (
        422,
        {"detail": [{"field": None, "message": "Not now."}]},
    )


def test_it_answers_a_refusal_with_403_and_its_reason():
    assert _answer(PermissionDenied("Ask the owner.")) == (403, {"detail": "Ask the owner."})
    assert _answer(PermissionDenied()) == (403, {"detail": "You may not do this."})


def test_it_answers_a_request_that_does_not_fit_its_schema_with_field_names():
    error = NinjaValidationError(
        [
            {"loc": ("body", "payload", "permissions", 0), "msg": "Bad choice", "input": "x"},
            {"loc": ("query", "page"), "msg": "Too small", "input": -1},
            {"loc": ("body", "payload"), "msg": "Field required", "type": "missing"},
        ]
    )
    status, body = _answer(error)
    assert status == 422
    assert body == {
        "detail": [
            {"field": "permissions.0", "message": "Bad choice"},
            {"field": "page", "message": "Too small"},
            {"field": None, "message": "The request needs a JSON body."},
        ]
    }
