# ruff: noqa: F811  (pytest fixtures imported from dnsserver, personas and support)
"""DKIM on mail that comes in: verified with the key published in (a real) DNS, recorded with
what the message did, and never a reason to refuse it."""

from __future__ import annotations

import pytest

from clientvault.messaging.inbound import Action, Dkim, receive
from clientvault.messaging.inbound.parse import parse
from clientvault.messaging.inbound.signatures import txt_record
from clientvault.privacy.models import ConsentRecord, ConsentSource
from clientvault.privacy.services.consent import grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.personas import customer  # noqa: F401
from tests.messaging.dnsserver import dkim_key, dns_server, publish, sign  # noqa: F401
from tests.messaging.test_inbound import mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture(scope="module")
def key():
    return dkim_key()


def refusal_reference(subject) -> str:
    record = ConsentRecord.objects.filter(subject=subject).latest("at", "id")
    assert (record.granted, record.source) == (False, ConsentSource.EMAIL)
    return record.reference


@pytest.fixture
def consenting(customer):
    grant_consent(
        subject=customer.subject, purpose=Purpose.MARKETING, source=ConsentSource.FORM, actor=None
    )
    return customer.subject


def test_the_dns_server_serves_the_published_key(dns_server, key):
    publish(dns_server, key)
    assert txt_record(b"sel._domainkey.example.net.") == key.record.encode()
    assert txt_record(b"other._domainkey.example.net.") is None


def test_a_signature_that_verifies_with_the_published_key_passes(dns_server, key, consenting):
    publish(dns_server, key)
    outcome = receive(sign(mail(), key))
    assert (outcome.action, outcome.dkim) == (Action.OPT_OUT, Dkim.PASSED)
    assert refusal_reference(consenting) == "e-mail to the opt-out address; DKIM passed"
    assert "sel._domainkey.example.net" in dns_server.asked


def test_a_message_altered_after_signing_fails_and_is_still_taken(dns_server, key, consenting):
    publish(dns_server, key)
    signed = sign(mail(), key)
    tampered = signed.replace(b"no more offers", b"all the offers")
    assert parse(tampered)["DKIM-Signature"] is not None
    outcome = receive(tampered)
    assert (outcome.action, outcome.dkim) == (Action.OPT_OUT, Dkim.FAILED)
    assert refusal_reference(consenting) == "e-mail to the opt-out address; DKIM failed"


def test_a_signature_whose_key_is_not_published_fails(dns_server, key, consenting):
    outcome = receive(sign(mail(), key, selector="gone"))
    assert outcome.dkim == Dkim.FAILED
    assert "gone._domainkey.example.net" in dns_server.asked


def test_a_signature_made_with_another_key_fails(dns_server, key, consenting):
    publish(dns_server, key)
    assert receive(sign(mail(), dkim_key())).dkim == Dkim.FAILED


def test_an_unsigned_message_is_taken_and_recorded_as_unsigned(dns_server, consenting):
    outcome = receive(mail())
    assert (outcome.action, outcome.dkim) == (Action.OPT_OUT, Dkim.ABSENT)
    assert refusal_reference(consenting) == "e-mail to the opt-out address; DKIM absent"
    assert dns_server.asked == []  # nothing to look up
