"""/.well-known/gpc.json (COL-8): the site says it honours Global Privacy Control (GPC spec §5)."""

from __future__ import annotations

import re

import pytest

from clientvault.privacy.cookies import GPC_LAST_UPDATE

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = "/.well-known/gpc.json"


def test_it_says_gpc_is_honoured_with_the_date_of_the_last_change(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {"gpc": True, "lastUpdate": GPC_LAST_UPDATE.isoformat()}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["lastUpdate"])


def test_it_needs_no_sign_in_and_sets_no_cookie(client):
    response = client.get(URL)
    assert response.cookies == {}


def test_it_takes_only_get_and_head(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405
