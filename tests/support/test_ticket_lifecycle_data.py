"""A ticket's data through the kernel: in the owner's copy of their data, shredded on erasure,
deleted once the profile's ``tickets`` period has passed since its last change, kept while held."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from clientvault.privacy.actors import SYSTEM, SubjectActor
from clientvault.privacy.services.erasure import shred_subject
from clientvault.privacy.services.export import export_subject
from clientvault.privacy.services.holds import place_hold
from clientvault.privacy.services.retention import sweep_retention
from clientvault.privacy.vault import Erased
from clientvault.support.models import Ticket, TicketMessage
from tests.support.tickets import a_ticket, opened

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_owners_copy_of_their_data_holds_the_tickets_text(customer):
    a_ticket(customer, title="Mail bounces", body="Every mail to gmail bounces.")

    export = export_subject(subject_id=customer.subject_id, actor=SubjectActor(customer.subject_id))

    dumped = json.dumps(export, default=str)
    assert "Every mail to gmail bounces." in dumped
    assert "Mail bounces" in dumped


def test_erasing_the_owner_shreds_the_tickets_texts(customer):
    ticket = a_ticket(customer)

    shred_subject(subject=customer.subject_id, actor=SYSTEM, reason="erasure_request")

    assert isinstance(opened(TicketMessage.objects.get(ticket=ticket)), Erased)


def _age(ticket: Ticket, days: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_sweep_deletes_tickets_past_their_period_with_their_messages(customer):
    old, recent = a_ticket(customer), a_ticket(customer)
    _age(old, 1096)
    _age(recent, 30)

    sweep_retention(dry_run=False, actor=SYSTEM)

    assert list(Ticket.objects.all()) == [recent]
    assert not TicketMessage.objects.filter(ticket_id=old.pk).exists()


def test_a_held_ticket_stays(customer):
    old = a_ticket(customer)
    _age(old, 2000)
    place_hold(
        subject=customer.subject,
        reason="legal_preservation",
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        placed_by="legal",
        reference="PR-7",
        actor=SYSTEM,
    )

    sweep_retention(dry_run=False, actor=SYSTEM)

    assert Ticket.objects.filter(pk=old.pk).exists()
