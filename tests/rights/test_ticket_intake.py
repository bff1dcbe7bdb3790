# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A data request a customer makes in a support ticket, passed on by staff through support's
hook (``clientvault.support.hooks``): recorded by the rights app's own intake, on the channel
"support ticket", for the person on record, who is told by e-mail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.messaging.models import Message
from clientvault.rights.models import Channel, RightsRequest, Status
from clientvault.rights.tickets import take_from_ticket
from clientvault.support import hooks
from tests.accounts.personas import customer, staff  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_rights_app_takes_the_requests_made_in_tickets(customer, staff):
    assert hooks.request_intake_registered()
    taken = hooks.take_rights_request(
        subject_id=customer.subject_id,
        kind="erasure",
        ticket="T-123456",
        actor=staff(StaffRole.SUPPORT),
    )
    made = RightsRequest.objects.get(reference=taken.reference)
    assert (made.kind, made.channel, made.status) == ("erasure", Channel.TICKET, Status.RECEIVED)
    assert made.subject_id == customer.subject_id
    assert str(made.email_given) == "ada@example.com"
    assert str(made.note) == "Asked in support ticket T-123456."
    assert taken.url == reverse("rights:privacy_request", args=[made.pk])
    told = Message.objects.get(subject_id=made.requester_id, kind="rights.received")
    assert str(told.to) == "ada@example.com"


def test_a_kind_other_than_a_copy_or_an_erasure_is_refused(customer, staff):
    with pytest.raises(ValidationError, match="a copy of the data or its erasure"):
        hooks.take_rights_request(
            subject_id=customer.subject_id,
            kind="objection",
            ticket="T-123456",
            actor=staff(StaffRole.SUPPORT),
        )
    assert not RightsRequest.objects.exists()


def test_without_an_intake_the_request_is_refused_clearly(customer, staff):
    hooks.unregister_request_intake(take_from_ticket)
    try:
        with pytest.raises(ValidationError, match="no service takes them"):
            hooks.take_rights_request(
                subject_id=customer.subject_id,
                kind="access",
                ticket="T-123456",
                actor=staff(StaffRole.SUPPORT),
            )
    finally:
        hooks.register_request_intake(take_from_ticket)
