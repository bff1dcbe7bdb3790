# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and test_logging)
"""Error pages in the site's style for customers and staff, and expected ones logged in one line.

The log is read where it leaves, from the configured handlers (``written``, as in
test_logging.py): a refusal or a missing page is one line with no traceback; a real server
error keeps its traceback.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.privacy.profile import current_profile
from tests.accounts.personas import customer, staff, staff_client, teammate  # noqa: F401
from tests.web.test_logging import written  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

STYLE = '<link rel="stylesheet" href="/static/clientvault/site.css">'


def styled(page: str, heading: str) -> bool:
    brand = current_profile().brand.name
    return STYLE in page and f'<h1 id="error-heading">{heading}</h1>' in page and brand in page


def test_an_authorised_user_lacking_a_permission_gets_the_styled_403_without_a_traceback(
    teammate, written
):
    client = Client()
    client.force_login(teammate.user)
    response = client.get(reverse("accounts:users"))
    page = response.content.decode()
    assert response.status_code == 403
    assert styled(page, "You cannot open this page")
    assert "The reason: your account role does not include contacts." in page
    assert 'href="/account"' in page  # back to their own account
    assert written.lines() == ["Forbidden (Permission denied): /account/users"]
    assert "Traceback" not in written.text


def test_a_staff_member_lacking_the_role_gets_the_styled_refusal_without_a_traceback(
    customer, staff_client, written
):
    url = reverse("accounts:staff_status", args=[customer.customer.number])
    response = staff_client(StaffRole.LEGAL).get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert STYLE in page
    assert "<h1>You cannot open this page</h1>" in page
    assert 'aria-label="Back office"' in page  # the back office's own menu stays
    assert len(written.lines()) == 1
    assert written.lines()[0].startswith("Forbidden")
    assert "Traceback" not in written.text


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff"])
def test_a_missing_page_is_the_styled_404_leading_back_to_where_one_belongs(
    who, customer, staff_client, written
):
    client = {"anonymous": Client(), "staff": staff_client(StaffRole.SUPPORT)}.get(who)
    if client is None:
        client = Client()
        client.force_login(customer.user)
    response = client.get("/account/no-such-page")
    page = response.content.decode()
    assert response.status_code == 404
    assert styled(page, "We cannot find this page")
    way = {"anonymous": "/sign-in", "customer": "/account", "staff": "/staff/"}[who]
    assert f'<li><a href="{way}">' in page
    assert written.lines() == ["Not Found: /account/…"]
    assert "Traceback" not in written.text


def test_an_object_that_is_not_there_is_logged_without_a_traceback(customer, written):
    client = Client()
    client.force_login(customer.user)
    url = reverse("accounts:user_edit", args=["8e6b1f5c-3a34-4c1e-9a53-0b8f4b3b6d2a"])
    assert client.get(url).status_code == 404
    assert written.lines() == ["Not Found: /account/users/<uuid:pk>"]


@override_settings(ROOT_URLCONF="tests.web.error_urls")
def test_a_server_error_is_the_styled_500_and_keeps_its_traceback_in_the_log(written):
    client = Client(raise_request_exception=False)
    response = client.get("/boom")
    page = response.content.decode()
    assert response.status_code == 500
    assert styled(page, "Something went wrong on our side")
    assert "Traceback" in written.text
    assert "RuntimeError: the test view failed" in written.text


def test_the_500_page_needs_neither_the_database_nor_the_request(
    django_assert_num_queries, settings
):
    # One way of overriding settings only (the fixture), so that both are undone in order.
    settings.ROOT_URLCONF = "tests.web.error_urls"
    # A context processor that fails, as one reading a broken database would: not used.
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {"context_processors": ["tests.web.error_urls.broken_context"]},
        }
    ]
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom-without-database")
    assert response.status_code == 500
    assert styled(response.content.decode(), "Something went wrong on our side")


@override_settings(ROOT_URLCONF="tests.web.error_urls")
def test_a_bad_request_is_the_styled_400(written):
    response = Client().get("/bad")
    assert response.status_code == 400
    assert styled(response.content.decode(), "We could not understand this request")
    assert "Traceback" not in written.text


def test_a_method_a_page_does_not_take_is_the_styled_405(customer):
    client = Client()
    client.force_login(customer.user)
    token = reverse("accounts:api_tokens")
    response = client.get(token.rstrip("/") + "/1/revoke")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert styled(response.content.decode(), "This address does not work this way")


def test_the_api_keeps_its_own_json_for_a_method_it_does_not_take(customer):
    client = Client()
    client.force_login(customer.user)
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert "error-heading" not in response.content.decode()
