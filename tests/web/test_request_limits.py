"""Requests larger than the site reads: 413 naming the limit (a page, or JSON under /api/),
before any view or middleware reads them; never a bare 400 or a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

LIMIT = 1000
MESSAGE = "The request body is too large: this site reads at most 1000 bytes."


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def test_a_form_too_large_gets_a_page_naming_the_limit():
    body = "city=" + "x" * LIMIT
    response = Client().post("/signup", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert MESSAGE in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_multipart_form_too_large_gets_the_same_page():
    response = Client().post("/signup", {"city": "x" * LIMIT})
    assert response.status_code == 413
    assert MESSAGE in response.content.decode()


def test_a_multipart_form_with_too_many_fields_is_refused_saying_so(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    response = Client().post("/signup", {f"f{n}": "x" for n in range(5)})
    assert response.status_code == 400
    assert "The form has too many fields: at most 3." in response.content.decode()


def test_an_api_body_too_large_gets_json():
    body = '{"city": "' + "x" * LIMIT + '"}'
    response = Client().patch("/api/v1/profile", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": MESSAGE}


def test_a_content_length_that_is_not_a_number_is_refused():
    response = Client().generic(
        "POST", "/api/v1/users/invitations", b"{}", "application/json", CONTENT_LENGTH="ten"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The Content-Length header is not a number of bytes."}


def test_a_request_within_the_limit_goes_on():
    response = Client().post("/signup", {"city": "London"})
    assert response.status_code == 200


def test_a_malformed_multipart_form_is_refused_saying_so():
    response = Client().generic("POST", "/signup", b"not multipart", "multipart/form-data")
    assert response.status_code == 400
    assert "The form could not be read: its body is malformed." in response.content.decode()


def test_the_api_checks_the_token_before_reading_a_multipart_body():
    response = Client().generic(
        "POST", "/api/v1/users/invitations", b'{"email": ""}', "multipart/form-data"
    )
    assert response.status_code == 401
