"""The right of access: one subject's export, built from the inventory alone (GDPR Art. 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientvault.accounts.models import Person, SecurityAnswer, User
from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import AuditEvent, ConsentSource, Subject
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.consent import grant_consent
from clientvault.privacy.services.disclosures import disclose
from clientvault.privacy.services.export import SCHEMA_VERSION, export_subject
from clientvault.privacy.taxonomy import SUBJECT_ACCESS
from tests.accounts.personas import (
    OUTSIDER_DETAILS,
    OWNER_DETAILS,
    add_authorised_user,
    make_staff,
    open_test_account,
)
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4111111111111111"
OTHER_CARD = "5500005555555559"


def contact(name: str, email: str, card: str, ip: str) -> Contact:
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Visit.objects.create(subject=subject, ip_address=ip, at=timezone.now())
    return Contact.objects.create(subject=subject, name=name, email=email, card_number=card)


@pytest.fixture
def ada() -> Contact:
    return contact("Ada Lovelace", "ada@example.com", CARD, "192.0.2.10")


@pytest.fixture
def otto() -> Contact:
    return contact("Otto Mallory", "otto@example.net", OTHER_CARD, "198.51.100.7")


def records(export, label: str) -> list[dict]:
    (found,) = [r for r in export["records"] if r["model"] == label]
    return found["rows"]


def shown(row, name: str):
    assert row["cells"][name]["state"] == "shown", name
    return row["cells"][name]["value"]


def text(export) -> str:
    return json.dumps(export, ensure_ascii=False)


def test_it_gives_each_personal_field_of_the_subject(ada, otto):
    export = export_subject(subject_id=ada.subject_id, actor=SYSTEM)
    (row,) = records(export, "kernelapp.Contact")
    assert shown(row, "name") == "Ada Lovelace"
    assert shown(row, "email") == "ada@example.com"
    assert shown(row, "card_number") == CARD
    (visit,) = records(export, "kernelapp.Visit")
    assert shown(visit, "ip_address") == "192.0.2.10"
    assert export["schema_version"] == SCHEMA_VERSION == "1"
    assert dt.datetime.fromisoformat(export["generated_at"]).tzinfo is not None
    assert export["subject"]["reference"] == ada.subject.reference


def test_it_holds_nothing_of_another_subject(ada, otto):
    exported = text(export_subject(subject_id=ada.subject_id, actor=SYSTEM))
    for value in ("Otto", "otto@example.net", OTHER_CARD, "198.51.100.7", otto.subject.reference):
        assert value not in exported


def test_it_reveals_restricted_fields_as_the_subject_and_audits_each(ada):
    export_subject(subject_id=ada.subject_id, actor=SYSTEM)
    (event,) = AuditEvent.objects.filter(action="reveal")
    assert event.actor_id == f"subject:{ada.subject_id}"
    assert (event.purpose, event.subject_id) == (SUBJECT_ACCESS, ada.subject_id)
    assert event.details == {"model": "kernelapp.Contact", "field": "card_number"}
    made = AuditEvent.objects.get(action="subject.exported")
    assert (made.actor_id, made.subject_id) == ("system:system", ada.subject_id)


def test_it_says_an_erased_subjects_values_are_erased(ada):
    vault.destroy_subject_key(ada.subject_id)
    Subject.objects.filter(pk=ada.subject_id).update(erased_at=timezone.now())
    vault.reset_caches()
    export = export_subject(subject_id=ada.subject_id, actor=SYSTEM)
    (row,) = records(export, "kernelapp.Contact")
    for name in ("name", "email", "card_number"):
        assert row["cells"][name] == {"state": "erased", "value": None}
    assert export["subject"]["erased"] is True
    assert "Ada" not in text(export)


def test_a_field_declared_not_shown_is_held_never_given(ada, monkeypatch):
    declared = registry.get("kernelapp.Contact").fields
    monkeypatch.setitem(
        declared, "card_number", dataclasses.replace(declared["card_number"], shown=False)
    )
    export = export_subject(subject_id=ada.subject_id, actor=SYSTEM)
    (row,) = records(export, "kernelapp.Contact")
    assert row["cells"]["card_number"] == {"state": "not_shown", "value": None}
    assert shown(row, "name") == "Ada Lovelace"
    assert CARD not in text(export)
    assert not AuditEvent.objects.filter(action="reveal").exists()  # never even read
    held = {c["key"] for c in export["categories"]}
    assert "user.financial.credit_card" in held  # the copy still says the category is held


def test_a_vault_field_sealed_restricted_is_revealed_whatever_its_category(ada, monkeypatch):
    declared = registry.get("kernelapp.Contact").fields
    as_name = dataclasses.replace(declared["card_number"], category="user.name")
    monkeypatch.setitem(declared, "card_number", as_name)  # the field itself stays restricted
    export = export_subject(subject_id=ada.subject_id, actor=SYSTEM)
    (row,) = records(export, "kernelapp.Contact")
    assert shown(row, "card_number") == CARD  # not "[restricted]"
    (event,) = AuditEvent.objects.filter(action="reveal")
    assert event.details == {"model": "kernelapp.Contact", "field": "card_number"}
    (info,) = [f for r in export["records"] for f in r["fields"] if f["name"] == "card_number"]
    assert info["restricted"] is True


@pytest.fixture
def owner() -> Person:
    person = open_test_account(
        username="ada",
        details=OWNER_DETAILS,
        marketing=True,
        security_answers={"first_pet": "Tibbles"},
    )
    person.customer.refresh_from_db()
    return person


def test_it_holds_credentials_without_showing_them(owner):
    export = export_subject(subject_id=owner.subject_id, actor=None)
    (login,) = records(export, "accounts.User")
    assert login["cells"]["password"] == {"state": "not_shown", "value": None}
    assert shown(login, "username") == "ada"
    (answer,) = records(export, "accounts.SecurityAnswer")
    assert answer["cells"]["answer_hash"]["state"] == "not_shown"
    exported = text(export)
    assert User.objects.get(pk=owner.user_id).password not in exported
    assert SecurityAnswer.objects.get().answer_hash not in exported
    assert "Tibbles" not in exported


def test_it_gives_an_accounts_person_customer_consents_and_acceptances(owner):
    export = export_subject(subject_id=owner.subject_id, actor=None)
    (person,) = records(export, "accounts.Person")
    assert shown(person, "given_name") == "Ada"
    assert shown(person, "phone") == "+442079460018"
    (customer,) = records(export, "accounts.Customer")
    assert shown(customer, "number") == owner.customer.number
    assert [c["purpose"] for c in export["consents"]] == ["marketing"]
    assert export["consents"][0]["granted"] is True
    assert [a["version"] for a in export["policy_acceptances"]] == [1]
    assert export["controller"]["name"]


def test_it_gives_the_account_rows_to_each_of_its_people_once(owner):
    teammate = add_authorised_user(owner, username="tim", email="tim@example.com")
    outsider = open_test_account(username="otto", details=OUTSIDER_DETAILS)
    export = export_subject(subject_id=teammate.subject_id, actor=None)
    (customer,) = records(export, "accounts.Customer")
    assert customer["id"] == str(owner.customer_id)
    ids = [row["id"] for row in records(export, "accounts.ClientLogEntry")]
    assert ids
    assert len(ids) == len(set(ids))
    (person,) = records(export, "accounts.Person")
    assert shown(person, "email") == "tim@example.com"
    exported = text(export)
    assert "Lovelace" not in exported
    assert outsider.customer.number not in exported


def test_it_shows_who_received_the_data_but_not_a_deferred_notice(owner):
    disclose(
        subject=owner.subject,
        recipient_kind="registrar",
        recipient="Example Registrar Inc",
        categories=["user.name", "user.contact.email"],
        ground="contract",
        reference="",
        actor=SYSTEM,
    )
    disclose(
        subject=owner.subject,
        recipient_kind="authority",
        recipient="Sealed Court",
        categories=["user.name"],
        ground="legal_process",
        reference="order 42",
        actor=SYSTEM,
        notice_deferred_until=timezone.localdate() + dt.timedelta(days=30),
    )
    export = export_subject(subject_id=owner.subject_id, actor=None)
    (disclosure,) = export["disclosures"]
    assert disclosure["recipient"] == "Example Registrar Inc"
    assert disclosure["categories"] == ["user.name", "user.contact.email"]
    assert disclosure["ground"] == "contract"
    assert "Sealed Court" not in text(export)
    assert "order 42" not in text(export)


def test_it_shows_staff_views_by_role_never_by_name(owner):
    clerk = make_staff("support", username="sam-the-clerk")
    record_access(actor=clerk, subject_id=owner.subject_id, purpose="support", what="profile")
    export = export_subject(subject_id=owner.subject_id, actor=None)
    (access,) = export["accesses"]
    assert (access["role"], access["action"], access["what"]) == ("support", "viewed", "profile")
    exported = text(export)
    assert "sam-the-clerk" not in exported
    assert f"user:{clerk.pk}" not in exported


def test_it_states_purposes_retention_and_recipients_of_each_category_held(owner):
    export = export_subject(subject_id=owner.subject_id, actor=None)
    categories = {c["key"]: c for c in export["categories"]}
    assert {"user.name", "user.contact.email", "user.consent"} <= set(categories)
    name = categories["user.name"]
    assert "Providing the hosting service" in name["purposes"]
    assert name["retention"]
    assert name["recipients"]
    assert categories["user.consent"]["legal_basis"]
    assert "user.financial.credit_card" not in categories


def _queries(subject_id) -> tuple[int, int]:
    vault.reset_caches()
    with (
        CaptureQueriesContext(connections["default"]) as data,
        CaptureQueriesContext(connections["keys"]) as keys,
    ):
        export_subject(subject_id=subject_id, actor=SYSTEM)
    return len(data), len(keys)


def test_it_makes_as_many_queries_with_thirty_other_subjects_as_with_one(owner, ada):
    grant_consent(subject=owner.subject, purpose="notices", source=ConsentSource.FORM, actor=SYSTEM)
    open_test_account(username="otto", details=OUTSIDER_DETAILS)
    contact("Otto", "otto@example.net", OTHER_CARD, "198.51.100.7")
    with_one = (_queries(owner.subject_id), _queries(ada.subject_id))
    for n in range(29):
        details = {**OUTSIDER_DETAILS, "email": f"other{n}@example.net"}
        open_test_account(username=f"other{n}", details=details)
        contact(f"Other {n}", f"other{n}@example.org", OTHER_CARD, "198.51.100.8")
    with_thirty = (_queries(owner.subject_id), _queries(ada.subject_id))
    assert with_thirty == with_one
