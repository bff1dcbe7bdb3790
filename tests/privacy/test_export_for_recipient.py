"""A recipient's copy (an authority's package): only the approved categories, nothing else."""

from __future__ import annotations

import json

import pytest

from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.disclosures import disclose
from clientvault.privacy.services.export import export_for_recipient
from tests.accounts.personas import make_staff
from tests.privacy.test_export import contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4111111111111111"


@pytest.fixture
def ada():
    return contact("Ada Lovelace", "ada@example.com", CARD, "192.0.2.10")


def test_it_gives_only_the_approved_categories(ada):
    legal = make_staff("legal")
    export = export_for_recipient(
        subject_id=ada.subject_id, categories=["user.name", "user.device.ip_address"], actor=legal
    )
    models = {r["model"]: r for r in export["records"]}
    assert set(models) >= {"kernelapp.Contact", "kernelapp.Visit"}
    (row,) = models["kernelapp.Contact"]["rows"]
    assert row["cells"]["name"] == {"state": "shown", "value": "Ada Lovelace"}
    assert "email" not in row["cells"]
    assert "card_number" not in row["cells"]
    assert "ada@example.com" not in json.dumps(export)
    assert CARD not in json.dumps(export)
    assert {c["key"] for c in export["categories"]} <= {"user.name", "user.device.ip_address"}


def test_a_model_holding_none_of_the_categories_is_left_out(ada):
    export = export_for_recipient(
        subject_id=ada.subject_id, categories=["user.device.ip_address"], actor=make_staff("legal")
    )
    assert [r["model"] for r in export["records"]] == ["kernelapp.Visit"]


def test_it_gives_none_of_the_kernels_registers(ada):
    legal = make_staff("legal")
    disclose(
        subject=ada.subject,
        recipient_kind="registrar",
        recipient="Example Registrar",
        categories=["user.name"],
        ground="contract",
        reference="",
        actor=None,
    )
    export = export_for_recipient(subject_id=ada.subject_id, categories=["user.name"], actor=legal)
    assert export["disclosures"] == export["consents"] == export["accesses"] == []
    assert export["policy_acceptances"] == []


def test_a_restricted_value_the_role_may_not_read_is_withheld(ada):
    export = export_for_recipient(
        subject_id=ada.subject_id,
        categories=["user.financial.credit_card"],
        actor=make_staff("legal"),
    )
    (row,) = next(r for r in export["records"] if r["model"] == "kernelapp.Contact")["rows"]
    assert row["cells"]["card_number"] == {"state": "withheld", "value": None}


def test_it_is_audited_as_disclosed_for_the_legal_obligation(ada):
    legal = make_staff("legal")
    export_for_recipient(subject_id=ada.subject_id, categories=["user.name"], actor=legal)
    event = AuditEvent.objects.filter(action="subject.disclosed").get()
    assert event.subject_id == ada.subject_id
    assert event.purpose == "legal_obligation"
    assert event.actor_id == f"user:{legal.pk}"
    assert event.details["categories"] == ["user.name"]
