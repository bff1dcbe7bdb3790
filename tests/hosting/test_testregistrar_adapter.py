# ruff: noqa: F811  (pytest fixtures imported from tests.hosting.registrar_server)
"""The test registrar's adapter against the real test registrar, started on a free port."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from clientvault.hosting.registrars.base import (
    Availability,
    ContactData,
    RegisteredDomain,
    Registrar,
    RegistrarRefused,
    RegistrarUnavailable,
    TldPolicy,
)
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.registrars.testregistrar import TestRegistrar
from clientvault.testregistrar.operations import add_years
from clientvault.testregistrar.tlds import REDACTED
from tests.hosting.registrar_server import (  # noqa: F401
    SHORT_TIMEOUT,
    free_port,
    impatient_registrar_server,
    registrar_server,
)

ADA = ContactData(
    name="Ada Lovelace",
    organisation="Analytical Engines Ltd",
    email="ada@engines.example",
    phone="+442079460000",
    address_line1="12 Marylebone Road",
    city="London",
    postal_code="NW1 5LR",
    region="Greater London",
    country="GB",
)
# As the profile's sharing.registrar might cut it down: no e-mail, phone or street for billing.
CUT_DOWN = replace(ADA, email="", phone="", address_line1="")
CONTACTS = {"registrant": ADA, "admin": ADA, "tech": ADA, "billing": CUT_DOWN}


@pytest.fixture
def registrar(registrar_server) -> TestRegistrar:
    return TestRegistrar()


def register(registrar: Registrar, name: str, **options) -> RegisteredDomain:
    options = {"years": 1, "contacts": CONTACTS, "id_protection": False, **options}
    return registrar.register(name=name, idempotency_key=f"register-{name}", **options)


def test_it_is_the_configured_registrar(registrar_server):
    registrar = current_registrar()
    assert isinstance(registrar, TestRegistrar)
    assert (registrar.key, registrar.label) == ("testregistrar", "Test Registrar Ltd")


def test_it_reads_a_tlds_policy(registrar):
    assert registrar.policy("us") == TldPolicy(
        tld="us",
        public_fields=tuple(field for field in asdict(ADA)),
        id_protection_allowed=False,
    )
    assert registrar.policy("com").public_fields == ("organisation", "region", "country")
    with pytest.raises(RegistrarRefused) as refused:
        registrar.policy("zz")
    assert refused.value.code == "unsupported_tld"


def test_it_checks_a_name(registrar):
    assert registrar.check("nimbus.com") == Availability("nimbus.com", available=True)
    taken = registrar.check("example.com")
    assert (taken.available, bool(taken.reason)) == (False, True)
    with pytest.raises(RegistrarRefused) as refused:
        registrar.check("-nimbus.com")
    assert refused.value.code == "invalid_name"


def test_it_registers_sending_exactly_the_contacts_it_is_given(registrar, registrar_server):
    domain = register(registrar, "nimbus.com", years=2)
    assert domain == RegisteredDomain(
        name="nimbus.com",
        status="active",
        expires_on=add_years(registrar_server.config.today(), 2),
        id_protection=False,
    )
    (held,) = registrar_server.store.domains()
    assert held["contacts"] == {role: asdict(contact) for role, contact in CONTACTS.items()}
    assert held["contacts"]["billing"]["email"] == ""
    assert registrar.info(name="nimbus.com") == domain


def test_it_is_told_a_name_is_taken(registrar):
    register(registrar, "nimbus.com")
    with pytest.raises(RegistrarRefused) as refused:
        registrar.register(
            name="nimbus.com",
            years=1,
            contacts=CONTACTS,
            id_protection=False,
            idempotency_key="another-order",
        )
    assert refused.value.code == "taken"
    assert refused.value.retryable is False
    assert refused.value.reason == "The domain is already registered."


def test_it_passes_on_a_contact_refusal_naming_the_field(registrar):
    contacts = {**CONTACTS, "admin": replace(ADA, phone="020 7946 0000")}
    with pytest.raises(RegistrarRefused) as refused:
        register(registrar, "nimbus.com", contacts=contacts)
    assert refused.value.code == "invalid_contact"
    assert "admin" in refused.value.reason
    assert "phone" in refused.value.reason


def test_it_transfers_a_domain_in(registrar, registrar_server):
    domain = registrar.transfer(
        name="transfer-nimbus.com",
        auth_code="EPP-good-123",
        contacts=CONTACTS,
        idempotency_key="transfer-1",
    )
    assert (domain.name, domain.status) == ("transfer-nimbus.com", "active")
    assert domain.expires_on > add_years(registrar_server.config.today(), 1)


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("transfer-me.com", "EPP-bad-000", "auth_code_invalid"),
        ("old-code.net", "EPP-expired-9", "auth_code_expired"),
        ("nimbus-nobody.com", "EPP-good-123", "not_found"),
    ],
)
def test_it_is_told_why_a_transfer_is_refused(registrar, name, code, expected):
    with pytest.raises(RegistrarRefused) as refused:
        registrar.transfer(name=name, auth_code=code, contacts=CONTACTS, idempotency_key="t-1")
    assert refused.value.code == expected
    assert code not in refused.value.reason


def test_it_renews(registrar):
    first = register(registrar, "nimbus.com")
    renewed = registrar.renew(name="nimbus.com", years=2, idempotency_key="renew-1")
    assert renewed.expires_on == add_years(first.expires_on, 2)
    again = registrar.renew(name="nimbus.com", years=2, idempotency_key="renew-1")
    assert again == renewed  # the same key renews once


def test_it_updates_the_contacts(registrar, registrar_server):
    register(registrar, "nimbus.com")
    tech = ContactData(name="Grace Hopper", email="grace@navy.example", country="US")
    registrar.update_contacts(
        name="nimbus.com", contacts={**CONTACTS, "tech": tech}, idempotency_key="contacts-1"
    )
    (held,) = registrar_server.store.domains()
    assert held["contacts"]["tech"] == asdict(tech)


def test_it_sets_id_protection_where_the_registry_allows_it(registrar):
    register(registrar, "nimbus.com")
    assert registrar.set_id_protection(name="nimbus.com", enabled=True).id_protection is True
    assert registrar.info(name="nimbus.com").id_protection is True
    register(registrar, "nimbus.us")
    with pytest.raises(RegistrarRefused) as refused:
        registrar.set_id_protection(name="nimbus.us", enabled=True)
    assert refused.value.code == "id_protection_not_allowed"
    with pytest.raises(RegistrarRefused):
        register(registrar, "nimbus-2.us", id_protection=True)


def test_it_fetches_the_auth_code(registrar):
    register(registrar, "nimbus.com")
    code = registrar.auth_code(name="nimbus.com")
    assert code.startswith("EPP-")
    with pytest.raises(RegistrarRefused) as refused:
        registrar.auth_code(name="example.com")
    assert refused.value.code == "not_found"


def test_the_public_rdap_shows_only_the_tlds_public_fields(registrar):
    register(registrar, "nimbus.com")
    registrant = registrar.rdap_public("nimbus.com")["entities"][0]["contact"]
    shown = {field: value for field, value in registrant.items() if value != REDACTED}
    assert shown == {"organisation": ADA.organisation, "region": ADA.region, "country": "GB"}
    registrar.set_id_protection(name="nimbus.com", enabled=True)
    registrant = registrar.rdap_public("nimbus.com")["entities"][0]["contact"]
    assert {field for field, value in registrant.items() if value != REDACTED} == {"country"}


def test_a_registrar_that_does_not_answer_in_time_is_unavailable(impatient_registrar_server):
    registrar = TestRegistrar()
    with pytest.raises(RegistrarUnavailable) as unavailable:
        register(registrar, "slow-nimbus.com")
    assert unavailable.value.retryable is True
    assert unavailable.value.code == "timeout"
    assert (
        unavailable.value.reason
        == f"The registrar did not answer within {SHORT_TIMEOUT:g} seconds."
    )


def test_a_retry_with_the_same_key_does_not_register_twice(impatient_registrar_server, settings):
    registrar = TestRegistrar()
    with pytest.raises(RegistrarUnavailable):
        register(registrar, "slow-nimbus.com")
    settings.HOSTING_TIMEOUT = 15
    domain = register(registrar, "slow-nimbus.com")  # the same key: the first answer
    assert domain.name == "slow-nimbus.com"
    assert len(impatient_registrar_server.store.domains()) == 1
    with pytest.raises(RegistrarRefused) as refused:  # a new key would be a second order
        registrar.register(
            name="slow-nimbus.com",
            years=1,
            contacts=CONTACTS,
            id_protection=False,
            idempotency_key="a-new-key",
        )
    assert refused.value.code == "taken"


def test_a_registry_that_is_down_is_unavailable(registrar, registrar_server):
    with pytest.raises(RegistrarUnavailable) as unavailable:
        register(registrar, "down-nimbus.com")
    assert (unavailable.value.code, unavailable.value.retryable) == ("unavailable", True)
    registrar_server.add_domain("down-nimbus.com")
    with pytest.raises(RegistrarUnavailable):
        registrar.renew(name="down-nimbus.com", years=1, idempotency_key="renew-1")


def test_a_registrar_that_is_not_there_is_unavailable(settings):
    settings.TEST_REGISTRAR_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RegistrarUnavailable) as unavailable:
        TestRegistrar().check("nimbus.com")
    assert unavailable.value.code == "unreachable"


def test_a_wrong_key_is_a_set_up_problem_not_a_refusal(registrar, settings):
    settings.TEST_REGISTRAR_KEY = "not-the-key"
    with pytest.raises(RegistrarUnavailable) as unavailable:
        registrar.check("nimbus.com")
    assert unavailable.value.code == "unauthorized"
