"""Releasing a ticket's content outside goes through the disclosure register (SHR-6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientvault.privacy.models import AuditEvent, Disclosure, DisclosureGround, RecipientKind
from clientvault.privacy.services.disclosures import DisclosureRefused
from clientvault.support.services.release import release_ticket
from clientvault.support.services.tickets import reply_as_staff
from tests.support.tickets import a_ticket

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_releases_on_legal_process_recorded_for_the_owner(customer, staff):
    ticket = a_ticket(customer, body="The site was defaced last night.")
    reply_as_staff(ticket=ticket, staff=staff("support"), body="Suspect IP noted", internal=True)
    legal = staff("legal")

    release = release_ticket(
        ticket=ticket,
        recipient_kind=RecipientKind.AUTHORITY,
        recipient="Metropolitan Police",
        ground=DisclosureGround.LEGAL_PROCESS,
        reference="Warrant 2026/113",
        actor=legal,
    )

    assert release.disclosure.subject_id == customer.subject_id
    assert release.disclosure.categories == ["user.content.communications"]
    assert "The site was defaced last night." in release.text
    assert "Suspect IP noted" not in release.text


def test_it_refuses_a_ground_that_is_not_one_of_the_four_and_reads_nothing(customer, staff):
    ticket = a_ticket(customer)
    before = AuditEvent.objects.filter(action="reveal").count()

    with pytest.raises(DisclosureRefused):
        release_ticket(
            ticket=ticket,
            recipient_kind=RecipientKind.PARTNER,
            recipient="Partner Ltd",
            ground=DisclosureGround.CONSENT,
            reference="PRT-1",
            actor=staff("legal"),
        )

    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="reveal").count() == before
    assert AuditEvent.objects.filter(action="disclosure.refused").exists()


def test_inadvertently_found_content_goes_only_to_an_authority(customer, staff):
    with pytest.raises(DisclosureRefused):
        release_ticket(
            ticket=a_ticket(customer),
            recipient_kind=RecipientKind.THIRD_PARTY,
            recipient="A journalist",
            ground=DisclosureGround.INADVERTENT_CRIME,
            reference="note 7",
            actor=staff("legal"),
        )


def test_it_needs_a_reference(customer, staff):
    with pytest.raises(ValidationError) as refused:
        release_ticket(
            ticket=a_ticket(customer),
            recipient_kind=RecipientKind.AUTHORITY,
            recipient="Police",
            ground=DisclosureGround.LEGAL_PROCESS,
            reference=" ",
            actor=staff("legal"),
        )

    assert "reference" in refused.value.message_dict


def test_support_staff_cannot_release(customer, staff):
    with pytest.raises(PermissionDenied):
        release_ticket(
            ticket=a_ticket(customer),
            recipient_kind=RecipientKind.AUTHORITY,
            recipient="Police",
            ground=DisclosureGround.LEGAL_PROCESS,
            reference="W-1",
            actor=staff("support"),
        )

    assert not Disclosure.objects.exists()
