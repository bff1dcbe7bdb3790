"""Larger text (COL-8): the one preference, remembered in a preference cookie only for a visitor
who accepted preference cookies and sends no Global Privacy Control."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from clientvault.privacy.cookies import CHOICE_COOKIE, TEXT_SIZE_COOKIE

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = "/text-size"
SWITCH = '<button type="submit" class="link" name="size" value="large">Larger text</button>'


def _accepted() -> Client:
    client = Client()
    client.cookies[CHOICE_COOKIE] = "accepted"
    return client


def _notices(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_with_consent_larger_text_is_remembered_and_shown():
    client = _accepted()
    assert SWITCH in client.get("/").content.decode()
    response = client.post(URL, {"size": "large", "next": "/privacy"})
    assert response["Location"] == "/privacy"
    morsel = response.cookies[TEXT_SIZE_COOKIE]
    assert (morsel.value, morsel["max-age"]) == ("large", 180 * 86400)
    page = client.get("/privacy").content.decode()
    assert '<html lang="en" class="text-large">' in page
    assert ">Standard text size</button>" in page


def test_the_standard_size_removes_the_cookie():
    client = _accepted()
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    response = client.post(URL, {"size": "standard", "next": "/"})
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0
    assert 'class="text-large"' not in client.get("/").content.decode()


def test_without_consent_the_switch_is_not_offered_and_sets_nothing(client):
    assert SWITCH not in client.get("/").content.decode()
    response = client.post(URL, {"size": "large", "next": "/"})
    assert response.status_code == 302
    assert TEXT_SIZE_COOKIE not in response.cookies
    assert "which you have not accepted" in _notices(response)


def test_with_gpc_a_stale_cookie_is_ignored_and_removed():
    client = _accepted()
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    response = client.get("/", HTTP_SEC_GPC="1")
    assert 'class="text-large"' not in response.content.decode()
    assert SWITCH not in response.content.decode()
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 0


@pytest.mark.parametrize("target", ["https://elsewhere.example/", ""])
def test_it_goes_back_only_to_a_page_of_this_site(target):
    assert _accepted().post(URL, {"size": "large", "next": target})["Location"] == "/"


def test_it_takes_only_post(client):
    assert client.get(URL).status_code == 405
    assert client.post(URL, {"size": "huge", "next": "/privacy"})["Location"] == "/privacy"
