import re

import pytest

from clientvault.accounts.models import User
from clientvault.accounts.services import create_api_token

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SCHEMA = "/api/v1/openapi.json"


@pytest.fixture
def schema(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_it_serves_the_schema_without_a_token(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]


def test_it_declares_bearer_token_security_and_the_401(schema):
    schemes = schema["components"]["securitySchemes"]
    assert [(s["type"], s["scheme"]) for s in schemes.values()] == [("http", "bearer")]
    me = schema["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{name: []} for name in schemes]
    assert set(me["responses"]) == {"200", "401"}


def test_every_operation_says_what_it_needs_at_the_head_of_its_description(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            needed = operation["x-clientvault-permission"]
            assert operation["description"].startswith("**Needs:** "), (method, path)
            if needed not in {"any-member", "own-login"}:
                assert f"the `{needed}` permission" in operation["description"], (method, path)


def test_the_docs_page_lists_every_operation_with_what_it_needs_and_its_answers(client, schema):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code></h3>" in page, (method, path)
    assert "<strong>Needs:</strong> the <code>contacts</code> permission" in page
    invite = page.split('id="invite_user"')[1].split("</section>")[0]
    assert "<code>email</code>" in invite
    assert '<td data-label="Status">413</td>' in invite


def test_the_docs_page_runs_no_script_and_names_no_other_origin(client):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _operations(schema):
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            yield method.upper(), concrete


def test_every_operation_refuses_a_request_without_a_token(client, schema):
    operations = list(_operations(schema))
    assert operations
    for method, path in operations:
        response = client.generic(method, path)
        assert response.status_code == 401, (method, path)
        assert response.json() == {"detail": "A valid API token is required."}


def test_every_operation_refuses_a_session_login(client, schema):
    client.force_login(User.objects.create_user(username="ada", password="irrelevant-here"))
    for method, path in _operations(schema):
        assert client.generic(method, path).status_code == 401, (method, path)


def test_a_token_passes_every_operation_and_gets_json(client, schema):
    _, raw = create_api_token(user=User.objects.create_user(username="ada", password="x"), name="t")
    for method, path in _operations(schema):
        response = client.generic(method, path, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code != 401, (method, path)
        assert response["Content-Type"].startswith("application/json"), (method, path)
