"""Purpose-bound reveal of restricted fields, with the personas that may and may not read them."""

import dataclasses

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.test.utils import isolate_apps
from django.utils import timezone

from clientvault.accounts.models import User
from clientvault.privacy import vault
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import AuditEvent, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.reveal import RevealDenied, reveal, subject_id_of
from clientvault.privacy.services.audit import verify_chain
from tests.kernelapp.models import Contact, Visit

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4111111111111111"


@pytest.fixture
def contact() -> Contact:
    subject = Subject.objects.create()
    vault.create_subject_key(subject.id)
    Contact.objects.create(subject=subject, name="Ada", email="ada@example.com", card_number=CARD)
    vault.reset_caches()
    return Contact.objects.get(subject=subject)


def staff(username: str, *roles: str, active: bool = True) -> User:
    user = User.objects.create_user(username=username, is_staff=True, is_active=active)
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    return user


def denied(contact: Contact, field: str, purpose: str, actor) -> RevealDenied:
    with pytest.raises(RevealDenied) as refusal:
        reveal(contact, field, purpose, actor)
    event = AuditEvent.objects.get(action="reveal.denied")
    assert event.subject_id == contact.subject_id
    assert event.details["field"] == field
    assert event.details["reason"] == refusal.value.reason
    assert not AuditEvent.objects.filter(action="reveal").exists()
    return refusal.value


def test_a_restricted_field_reads_as_restricted_outside_reveal(contact):
    assert contact.card_number == vault.RESTRICTED
    assert contact.name == "Ada"


def test_billing_staff_reveal_a_card_for_payment_processing(contact):
    clerk = staff("clerk", "billing")
    assert reveal(contact, "card_number", "payment_processing", clerk) == CARD
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor_id, event.actor_role) == (f"user:{clerk.pk}", "billing")
    assert (event.subject_id, event.purpose) == (contact.subject_id, "payment_processing")
    assert event.details == {"model": "kernelapp.Contact", "field": "card_number"}
    assert (event.object_type, event.object_id) == ("kernelapp.Contact", str(contact.pk))
    assert verify_chain().intact


def test_it_refuses_support_staff_whose_role_lacks_the_purpose(contact):
    refusal = denied(contact, "card_number", "payment_processing", staff("helper", "support"))
    assert refusal.reason == "purpose_not_granted"
    message = str(refusal)
    assert "kernelapp.Contact.card_number" in message
    assert "'payment_processing'" in message
    assert "none of the actor's roles (support)" in message
    assert isinstance(refusal, PermissionDenied)


def test_it_refuses_a_purpose_the_field_is_not_declared_for(contact):
    refusal = denied(contact, "card_number", "billing", staff("clerk", "billing"))
    assert refusal.reason == "purpose_not_declared"
    assert "declared only for: payment_processing" in str(refusal)
    assert AuditEvent.objects.get(action="reveal.denied").purpose == "billing"


def test_it_refuses_the_system_when_the_profile_grants_it_no_such_purpose(contact, monkeypatch):
    profile = current_profile()
    system = tuple(p for p in profile.roles["system"] if p != "payment_processing")
    narrowed = dataclasses.replace(profile, roles={**profile.roles, "system": system})
    monkeypatch.setattr("clientvault.privacy.reveal.current_profile", lambda: narrowed)
    refusal = denied(contact, "card_number", "payment_processing", SystemActor("sweep"))
    assert refusal.reason == "purpose_not_granted"
    assert "by system:sweep" in str(refusal)


def test_the_system_reveals_a_field_for_a_purpose_it_is_granted(contact):
    assert reveal(contact, "name", "service", SystemActor("mailer")) == "Ada"
    assert AuditEvent.objects.get(action="reveal").actor_id == "system:mailer"


def test_it_refuses_an_inactive_user_even_with_the_right_role(contact):
    refusal = denied(
        contact, "card_number", "payment_processing", staff("gone", "billing", active=False)
    )
    assert refusal.reason == "inactive_actor"
    assert "inactive" in str(refusal)


@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_it_refuses_nobody(contact, nobody):
    assert denied(contact, "card_number", "payment_processing", nobody).reason == "no_actor"


def test_a_customer_reveals_their_own_data_but_no_one_elses(contact):
    stranger = User.objects.create_user(username="eve", subject=Subject.objects.create())
    refusal = denied(contact, "name", "service", stranger)
    assert refusal.reason == "not_own_data"
    owner = User.objects.create_user(username="ada", subject=contact.subject)
    assert reveal(contact, "name", "service", owner) == "Ada"


def test_a_customer_cannot_reveal_even_their_own_card_token(contact):
    """Only billing staff and the charging job process payments (the profile's [roles])."""
    owner = User.objects.create_user(username="ada", subject=contact.subject)
    refusal = denied(contact, "card_number", "payment_processing", owner)
    assert refusal.reason == "purpose_not_granted"


@pytest.mark.parametrize(
    ("field", "purpose", "reason"),
    [
        ("no_such_field", "payment_processing", "undeclared"),
        ("created_at", "payment_processing", "not_personal"),
        ("card_number", "gossip", "unknown_purpose"),
    ],
)
def test_it_refuses_what_the_inventory_does_not_allow(contact, field, purpose, reason):
    assert denied(contact, field, purpose, staff("clerk", "billing")).reason == reason


def test_an_unknown_purpose_is_not_written_to_the_audit_log(contact):
    denied(contact, "card_number", "gossip", staff("clerk", "billing"))
    assert AuditEvent.objects.get(action="reveal.denied").purpose == ""


def test_a_shredded_subjects_card_reveals_as_erased(contact):
    vault.destroy_subject_key(contact.subject_id)
    clerk = staff("clerk", "billing")
    assert reveal(Contact.objects.get(), "card_number", "payment_processing", clerk) is vault.ERASED
    assert AuditEvent.objects.get(action="reveal").details["erased"] is True


def test_no_audit_entry_holds_the_revealed_value(contact):
    reveal(contact, "card_number", "payment_processing", staff("clerk", "billing"))
    with pytest.raises(RevealDenied):
        reveal(contact, "card_number", "payment_processing", staff("helper", "support"))
    for event in AuditEvent.objects.all():
        assert CARD not in str(event.__dict__)


@pytest.mark.parametrize("path", ["subject", "subject__pk", "subject_id", None])
def test_it_finds_the_subject_through_the_declared_path(monkeypatch, path):
    subject = Subject.objects.create()
    visit = Visit.objects.create(subject=subject, ip_address="192.0.2.1", at=timezone.now())
    declaration = dataclasses.replace(registry.get("kernelapp.Visit"), subject=path)
    monkeypatch.setitem(registry.declarations, "kernelapp.Visit", declaration)
    assert subject_id_of(visit) == (subject.id if path else None)


@isolate_apps("tests.kernelapp")
def test_a_proxy_model_reveals_under_its_concrete_models_declaration(contact):
    class ContactProxy(Contact):
        class Meta:
            proxy = True
            app_label = "kernelapp"

    clerk = staff("clerk", "billing")
    proxied = ContactProxy.objects.get(pk=contact.pk)
    assert reveal(proxied, "card_number", "payment_processing", clerk) == CARD
    assert AuditEvent.objects.get(action="reveal").subject_id == contact.subject_id
