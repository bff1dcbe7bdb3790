# ruff: noqa: F811  (pytest fixtures imported from tests.hosting.registrar_server)
"""The test registrar's API for domains it holds: transfers in, renewals, contact changes, ID
protection, auth codes, and the public RDAP view of its registry."""

from __future__ import annotations

import datetime
import json
import urllib.request

import pytest

from clientvault.testregistrar.operations import add_years
from clientvault.testregistrar.tlds import CONTACT_FIELDS, REDACTED
from tests.hosting.registrar_server import (  # noqa: F401
    api,
    contact,
    four_contacts,
    register,
    registrar_server,
    running_registrar,
)


def transfer(registrar, name, code, **body):
    payload = {"name": name, "auth_code": code, "contacts": four_contacts(), **body}
    return api(registrar, "POST", "/v1/transfers", payload)


def rdap(registrar, name):
    with urllib.request.urlopen(f"{registrar.url}/rdap/domain/{name}", timeout=10) as answer:
        return answer.status, json.loads(answer.read())


@pytest.mark.parametrize("name", ["transfer-me.com", "transfer-nimbus.org", "slow-transfer-a.eu"])
def test_it_transfers_a_domain_in_with_its_auth_code(registrar_server, name):
    status, body, _ = transfer(registrar_server, name, "EPP-good-123")
    assert status == 200
    assert body["status"] == "active"
    assert body["contacts"] == four_contacts()
    today = registrar_server.config.today()
    expected = add_years(today + datetime.timedelta(days=100), 1)
    assert body["expires_on"] == expected.isoformat()
    assert api(registrar_server, "GET", f"/v1/domains/{name}")[1] == body


def test_it_refuses_a_wrong_auth_code(registrar_server):
    for name in ("transfer-me.com", "old-code.net", "example.com", "taken-a.org"):
        status, body, _ = transfer(registrar_server, name, "EPP-wrong-1")
        assert (status, body["error"]["code"]) == (422, "auth_code_invalid"), name
        assert "EPP-wrong-1" not in body["error"]["message"]
    status, body, _ = transfer(registrar_server, "transfer-me.com", "")
    assert (status, body["error"]["code"]) == (422, "auth_code_invalid")


def test_it_refuses_an_expired_auth_code(registrar_server):
    status, body, _ = transfer(registrar_server, "old-code.net", "EPP-expired-9")
    assert (status, body["error"]["code"]) == (422, "auth_code_expired")
    assert registrar_server.store.domains() == []


def test_it_cannot_transfer_a_name_nobody_holds(registrar_server):
    status, body, _ = transfer(registrar_server, "nimbus-free.com", "EPP-good-123")
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_it_does_not_transfer_a_domain_it_already_holds(registrar_server):
    assert transfer(registrar_server, "transfer-me.com", "EPP-good-123")[0] == 200
    status, body, _ = transfer(registrar_server, "transfer-me.com", "EPP-good-123")
    assert (status, body["error"]["code"]) == (409, "taken")


def test_it_checks_the_contacts_of_a_transfer(registrar_server):
    sent = four_contacts()
    sent["admin"] = contact(phone="0049 30 1234")
    status, body, _ = transfer(registrar_server, "transfer-me.com", "EPP-good-123", contacts=sent)
    assert (status, body["error"]["field"]) == (422, "admin.phone")


def test_it_renews_from_the_current_expiry(registrar_server):
    registered = register(registrar_server, "nimbus.com", years=2)[1]
    status, body, _ = api(registrar_server, "POST", "/v1/domains/nimbus.com/renew", {"years": 3})
    assert status == 200
    expected = add_years(datetime.date.fromisoformat(registered["expires_on"]), 3)
    assert body["expires_on"] == expected.isoformat()


def test_it_renews_no_further_than_ten_years_ahead(registrar_server):
    register(registrar_server, "nimbus.com", years=9)
    status, body, _ = api(registrar_server, "POST", "/v1/domains/nimbus.com/renew", {"years": 2})
    assert (status, body["error"]["code"]) == (422, "invalid_years")


def test_it_renews_an_expired_domain_and_says_it_had_expired(registrar_server):
    today = registrar_server.config.today()
    registrar_server.add_domain("nimbus.org", expires_on=today - datetime.timedelta(days=3))
    assert api(registrar_server, "GET", "/v1/domains/nimbus.org")[1]["status"] == "expired"
    body = api(registrar_server, "POST", "/v1/domains/nimbus.org/renew", {"years": 1})[1]
    assert body["status"] == "active"


def test_it_cannot_change_a_domain_it_does_not_hold(registrar_server):
    for method, path, payload in [
        ("POST", "/v1/domains/example.com/renew", {"years": 1}),
        ("PUT", "/v1/domains/example.com/contacts", {"contacts": four_contacts()}),
        ("PUT", "/v1/domains/example.com/id_protection", {"enabled": True}),
        ("GET", "/v1/domains/example.com/auth_code", None),
        ("GET", "/v1/domains/example.com", None),
    ]:
        status, body, _ = api(registrar_server, method, path, payload)
        assert (status, body["error"]["code"]) == (404, "not_found"), path


def test_it_replaces_the_contacts_exactly(registrar_server):
    register(registrar_server, "nimbus.com")
    sent = four_contacts()
    sent["tech"] = contact(name="Grace Hopper", email="grace@navy.example", organisation="")
    status, body, _ = api(
        registrar_server, "PUT", "/v1/domains/nimbus.com/contacts", {"contacts": sent}
    )
    assert (status, body["contacts"]) == (200, sent)


def test_it_turns_id_protection_on_and_off_where_allowed(registrar_server):
    register(registrar_server, "nimbus.com")
    path = "/v1/domains/nimbus.com/id_protection"
    assert api(registrar_server, "PUT", path, {"enabled": True})[1]["id_protection"] is True
    assert api(registrar_server, "PUT", path, {"enabled": False})[1]["id_protection"] is False
    status, body, _ = api(registrar_server, "PUT", path, {"enabled": "yes"})
    assert (status, body["error"]["code"]) == (400, "invalid_request")


def test_it_refuses_id_protection_on_a_tld_that_forbids_it(registrar_server):
    register(registrar_server, "nimbus.us")
    path = "/v1/domains/nimbus.us/id_protection"
    status, body, _ = api(registrar_server, "PUT", path, {"enabled": True})
    assert (status, body["error"]["code"]) == (422, "id_protection_not_allowed")
    assert api(registrar_server, "PUT", path, {"enabled": False})[0] == 200


def test_it_hands_out_the_auth_code_of_a_domain_it_holds(registrar_server):
    register(registrar_server, "nimbus.com")
    status, body, _ = api(registrar_server, "GET", "/v1/domains/nimbus.com/auth_code")
    assert status == 200
    assert body["auth_code"].startswith("EPP-")
    again = api(registrar_server, "GET", "/v1/domains/nimbus.com/auth_code")[1]
    assert again == body


def test_its_rdap_needs_no_key_and_shows_only_the_public_fields(registrar_server):
    register(registrar_server, "nimbus.com")
    status, body = rdap(registrar_server, "nimbus.com")
    assert status == 200
    assert body["ldhName"] == "nimbus.com"
    roles = [entity["roles"] for entity in body["entities"]]
    assert roles == [["registrant"], ["admin"], ["tech"]]  # never the billing contact
    registrant = body["entities"][0]["contact"]
    assert registrant == {
        **dict.fromkeys(CONTACT_FIELDS, REDACTED),
        "organisation": "Analytical Engines Ltd",
        "region": "Greater London",
        "country": "GB",
    }


@pytest.mark.parametrize(
    ("name", "public"),
    [
        ("nimbus.eu", {"organisation", "country"}),
        ("nimbus.us", set(CONTACT_FIELDS)),
        ("nimbus.test", {"organisation", "region", "country"}),
    ],
)
def test_its_rdap_follows_the_tlds_policy(registrar_server, name, public):
    register(registrar_server, name)
    for entity in rdap(registrar_server, name)[1]["entities"]:
        shown = {field for field, value in entity["contact"].items() if value != REDACTED}
        assert shown == public


def test_its_rdap_shows_only_the_country_under_id_protection(registrar_server):
    register(registrar_server, "nimbus.com", id_protection=True)
    for entity in rdap(registrar_server, "nimbus.com")[1]["entities"]:
        assert entity["contact"] == {**dict.fromkeys(CONTACT_FIELDS, REDACTED), "country": "GB"}


def test_its_rdap_knows_only_the_domains_it_holds(registrar_server):
    status, body, _ = api(registrar_server, "GET", "/rdap/domain/example.com", auth="")
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_it_tells_the_expiry_by_its_own_calendar():
    with running_registrar(today=lambda: datetime.date(2024, 2, 29)) as registrar:
        body = register(registrar, "nimbus.com", years=1)[1]
        assert body["expires_on"] == "2025-02-28"
