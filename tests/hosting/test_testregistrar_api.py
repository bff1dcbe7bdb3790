# ruff: noqa: F811  (pytest fixtures imported from tests.hosting.registrar_server)
"""The test registrar's JSON API, called over HTTP as clientvault's adapter calls it."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import fields

import pytest

from clientvault.hosting.registrars.base import ContactData
from clientvault.testregistrar.operations import add_years
from clientvault.testregistrar.tlds import CONTACT_FIELDS
from tests.hosting.registrar_server import (  # noqa: F401
    api,
    contact,
    four_contacts,
    register,
    registrar_server,
    running_registrar,
)


def test_its_contact_fields_are_clientvaults():
    assert tuple(field.name for field in fields(ContactData)) == CONTACT_FIELDS


def test_it_rejects_a_caller_without_the_key(registrar_server):
    for auth in ("", "Bearer wrong", f"Basic {registrar_server.config.key}"):
        status, body, _ = api(registrar_server, "GET", "/v1/tlds/com", auth=auth)
        assert status == 401
        assert body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("tld", "public", "protection"),
    [
        ("com", ["organisation", "region", "country"], True),
        ("net", ["organisation", "region", "country"], True),
        ("org", ["organisation", "region", "country"], True),
        ("test", ["organisation", "region", "country"], True),
        ("eu", ["organisation", "country"], False),
        ("us", list(CONTACT_FIELDS), False),
    ],
)
def test_it_tells_each_tlds_policy(registrar_server, tld, public, protection):
    status, body, _ = api(registrar_server, "GET", f"/v1/tlds/{tld}")
    assert status == 200
    assert body == {
        "tld": tld,
        "public_fields": public,
        "id_protection_allowed": protection,
        "min_years": 1,
        "max_years": 10,
    }


def test_it_refuses_an_unknown_tld(registrar_server):
    status, body, _ = api(registrar_server, "GET", "/v1/tlds/invalid")
    assert (status, body["error"]["code"]) == (422, "unsupported_tld")
    status, body, _ = api(registrar_server, "GET", "/v1/domains/check?name=nimbus.zz")
    assert (status, body["error"]["code"]) == (422, "unsupported_tld")


@pytest.mark.parametrize(
    ("name", "available"),
    [
        ("nimbus-hosting.com", True),
        ("Nimbus-Hosting.COM", True),
        ("xn--bcher-kva.com", True),
        ("example.com", False),
        ("example.org", False),
        ("taken.test", False),
        ("taken-anything.eu", False),
        ("transfer-me.com", False),
        ("old-code.net", False),
    ],
)
def test_it_tells_whether_a_name_is_free(registrar_server, name, available):
    status, body, _ = api(registrar_server, "GET", f"/v1/domains/check?name={name}")
    assert status == 200
    assert body["name"] == name.lower()
    assert body["available"] is available
    assert bool(body["reason"]) is not available


@pytest.mark.parametrize(
    "name",
    [
        "",
        "nodot",
        "www.nimbus.com",
        "-nimbus.com",
        "nimbus-.com",
        "nim_bus.com",
        "nim bus.com",
        "a" * 64 + ".com",
        "ab--cd.com",
        "xn--99999999.com",
        "xn--a.com",
        "nimbus..com",
        "nimbus.com.",
        "bücher.com",
    ],
)
def test_it_refuses_a_malformed_name(registrar_server, name):
    query = urllib.parse.urlencode({"name": name})
    status, body, _ = api(registrar_server, "GET", f"/v1/domains/check?{query}")
    assert (status, body["error"]["code"]) == (422, "invalid_name")


def test_it_refuses_a_name_over_253_characters(registrar_server):
    status, body, _ = register(registrar_server, "a" * 250 + ".com")
    assert (status, body["error"]["code"]) == (422, "invalid_name")


def test_it_registers_and_keeps_the_contacts_exactly_as_sent(registrar_server):
    sent = four_contacts()
    sent["tech"] = contact(name="", email="", phone="", address_line1="", city="")
    status, body, _ = register(registrar_server, "Nimbus.com", years=2, contacts=sent)
    assert status == 200
    assert body == {
        "name": "nimbus.com",
        "status": "active",
        "expires_on": add_years(registrar_server.config.today(), 2).isoformat(),
        "id_protection": False,
        "contacts": sent,
    }
    status, held, _ = api(registrar_server, "GET", "/v1/domains/nimbus.com")
    assert (status, held) == (200, body)
    check = api(registrar_server, "GET", "/v1/domains/check?name=nimbus.com")[1]
    assert check["available"] is False


def test_it_fills_a_missing_field_with_an_empty_one(registrar_server):
    sent = four_contacts()
    sent["billing"] = {"organisation": "Nimbus", "country": "DE"}
    _, body, _ = register(registrar_server, "nimbus.net", contacts=sent)
    assert body["contacts"]["billing"] == {**dict.fromkeys(CONTACT_FIELDS, ""), **sent["billing"]}


@pytest.mark.parametrize("name", ["example.com", "taken-nimbus.org", "transfer-nimbus.com"])
def test_it_refuses_a_taken_name(registrar_server, name):
    status, body, _ = register(registrar_server, name)
    assert (status, body["error"]["code"]) == (409, "taken")


def test_it_refuses_a_name_it_already_holds(registrar_server):
    assert register(registrar_server, "nimbus.org")[0] == 200
    status, body, _ = register(registrar_server, "nimbus.org")
    assert (status, body["error"]["code"]) == (409, "taken")


def test_it_refuses_id_protection_where_the_registry_forbids_it(registrar_server):
    status, body, _ = register(registrar_server, "nimbus.us", id_protection=True)
    assert (status, body["error"]["code"]) == (422, "id_protection_not_allowed")
    status, body, _ = register(registrar_server, "nimbus.com", id_protection=True)
    assert (status, body["id_protection"]) == (200, True)


@pytest.mark.parametrize(("years", "ok"), [(1, True), (10, True), (0, False), (11, False)])
def test_it_registers_for_one_to_ten_years(registrar_server, years, ok):
    status, body, _ = register(registrar_server, "nimbus.eu", years=years)
    assert status == (200 if ok else 422)
    if not ok:
        assert body["error"]["code"] == "invalid_years"


@pytest.mark.parametrize(
    ("role", "changes", "field"),
    [
        ("registrant", {"name": "", "organisation": ""}, "registrant.name"),
        ("admin", {"phone": "020 7946 0000"}, "admin.phone"),
        ("tech", {"country": "Germany"}, "tech.country"),
        ("billing", {"email": "not an address"}, "billing.email"),
    ],
)
def test_it_refuses_an_invalid_contact_naming_role_and_field(
    registrar_server, role, changes, field
):
    sent = four_contacts()
    sent[role] = contact(**changes)
    status, body, _ = register(registrar_server, "nimbus.com", contacts=sent)
    assert (status, body["error"]["code"]) == (422, "invalid_contact")
    assert body["error"]["field"] == field
    assert role in body["error"]["message"]
    assert field.split(".")[1] in body["error"]["message"]
    for value in changes.values():
        assert not value or value not in json.dumps(body)  # never repeats what was sent


def test_it_takes_a_registrant_that_is_only_an_organisation(registrar_server):
    sent = four_contacts()
    sent["registrant"] = contact(name="", email="", phone="")
    assert register(registrar_server, "nimbus.com", contacts=sent)[0] == 200


@pytest.mark.parametrize(
    "contacts",
    [
        None,
        "Ada",
        {"registrant": contact()},
        {**four_contacts(), "owner": contact()},
        {**four_contacts(), "admin": {**contact(), "fax": "+442079460001"}},
        {**four_contacts(), "admin": {**contact(), "phone": 442079460000}},
    ],
)
def test_it_refuses_contacts_of_the_wrong_shape(registrar_server, contacts):
    status, body, _ = register(registrar_server, "nimbus.com", contacts=contacts)
    assert (status, body["error"]["code"]) == (422, "invalid_contact")


def test_it_replays_the_first_answer_to_the_same_key(registrar_server):
    first = register(registrar_server, "nimbus.com", key="order-1")
    again = register(registrar_server, "nimbus.com", key="order-1")
    assert first[0] == again[0] == 200
    assert first[1] == again[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first[2]
    assert [d["name"] for d in registrar_server.store.domains()] == ["nimbus.com"]


def test_it_refuses_the_same_key_for_another_request(registrar_server):
    assert register(registrar_server, "nimbus.com", key="order-1")[0] == 200
    status, body, _ = register(registrar_server, "nimbus.net", key="order-1")
    assert (status, body["error"]["code"]) == (409, "idempotency_key_reused")
    assert [d["name"] for d in registrar_server.store.domains()] == ["nimbus.com"]


def test_it_does_not_remember_a_refusal(registrar_server):
    assert register(registrar_server, "nimbus.us", key="k", id_protection=True)[0] == 422
    assert register(registrar_server, "nimbus.us", key="k", id_protection=True)[0] == 422
    assert "Idempotent-Replayed" not in register(registrar_server, "nimbus.us", key="k")[2]


def test_a_down_name_answers_503_and_registers_nothing(registrar_server):
    status, body, _ = register(registrar_server, "down-nimbus.com", key="k")
    assert (status, body["error"]["code"]) == (503, "unavailable")
    assert registrar_server.store.domains() == []
    registrar_server.add_domain("down-nimbus.com")
    for method, path, payload in [
        ("POST", "/v1/domains/down-nimbus.com/renew", {"years": 1}),
        ("PUT", "/v1/domains/down-nimbus.com/contacts", {"contacts": four_contacts()}),
        ("POST", "/v1/transfers", {"name": "down-transfer-a.com", "auth_code": "EPP-good-123"}),
    ]:
        body = payload if "contacts" in payload else {**payload, "contacts": four_contacts()}
        assert api(registrar_server, method, path, body)[0] == 503


def test_a_slow_name_is_registered_before_its_late_answer(registrar_server):
    with pytest.raises(TimeoutError):
        register(registrar_server, "slow-nimbus.com", key="order-7", timeout=0.3)
    assert [d["name"] for d in registrar_server.store.domains()] == ["slow-nimbus.com"]
    status, body, headers = register(registrar_server, "slow-nimbus.com", key="order-7")
    assert (status, body["name"], headers["Idempotent-Replayed"]) == (
        200,
        "slow-nimbus.com",
        "true",
    )
    status, body, _ = register(registrar_server, "slow-nimbus.com", key="order-8")
    assert (status, body["error"]["code"]) == (409, "taken")
    assert len(registrar_server.store.domains()) == 1


def test_it_answers_bad_json_and_big_bodies_with_a_clear_error(registrar_server):
    status, body, _ = api(registrar_server, "POST", "/v1/domains", raw=b"{nope")
    assert (status, body["error"]["code"]) == (400, "invalid_json")
    status, body, _ = api(registrar_server, "POST", "/v1/domains", raw=b"[1, 2]")
    assert (status, body["error"]["code"]) == (400, "invalid_json")
    status, body, _ = register(registrar_server, "nimbus.com", padding="x" * 70_000)
    assert (status, body["error"]["code"]) == (413, "body_too_large")


def test_it_answers_an_unknown_address_with_404(registrar_server):
    assert api(registrar_server, "GET", "/v1/nothing")[0] == 404
    assert api(registrar_server, "DELETE", "/v1/domains/nimbus.com")[0] == 404


def test_it_keeps_its_state_in_the_file_it_is_given(tmp_path):
    state = tmp_path / "registrar.sqlite3"
    with running_registrar(state=state) as first:
        assert register(first, "nimbus.com")[0] == 200
    with running_registrar(state=state) as second:
        assert api(second, "GET", "/v1/domains/nimbus.com")[0] == 200
        assert register(second, "nimbus.com")[0] == 409
