# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""An erasure paused by a legal hold or by what must happen first (an erasure blocker): the
requester is told once, nothing is erased, and the erasure finishes once when the way is clear."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Customer, CustomerStatus, Person, StaffRole
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import Hold, HoldReason, Subject
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services import erasure
from clientvault.privacy.services.holds import CONFIDENTIAL_NOTICE, end_hold, place_hold
from clientvault.rights.models import RightsRequest, Status, Verification
from clientvault.rights.services.verification import mark_verified
from clientvault.rights.services.work import resume_stalled_requests
from tests.accounts.mailutil import deliver_mail
from tests.accounts.personas import customer, staff, staff_client, teammate  # noqa: F401
from tests.rights.helpers import a_rights_request, confirmed_client, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ORDER = "order-2026-481"
MUST_FIRST = "Cancel the active hosting plan first; an active service cannot be erased."


def verified_erasure(person: Person, officer) -> RightsRequest:
    """An erasure the person asked for, verified (by staff here), its work queued."""
    made = a_rights_request(person, kind="erasure")
    mark_verified(request=made, how=Verification.STAFF, actor=officer, reason="Called back")
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    return made


def hold(person: Person, *, confidential: bool) -> Hold:
    return place_hold(
        subject=person.subject,
        reason=HoldReason.LEGAL_PRESERVATION,
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
        actor=None,
        placed_by="legal",
        reference=ORDER,
        confidential=confidential,
    )


def resume() -> int:
    """The hourly job, then the work it queued."""
    resume_stalled_requests.call()
    return run_rights_jobs()


def notices(kind: str) -> list[str]:
    """The text of each notice of that kind, as sent."""
    deliver_mail()
    return [reveal(m, "body", "notices", SYSTEM) for m in Message.objects.filter(kind=kind)]


def is_erased(person: Person) -> bool:
    return Subject.objects.get(pk=person.subject_id).is_erased


@pytest.fixture
def officer(staff):
    return staff(StaffRole.PRIVACY_OFFICER)


def test_a_confidential_hold_pauses_the_erasure_and_the_requester_hears_only_that_the_law_applies(
    customer, teammate, officer, staff_client
):
    hold(teammate, confidential=True)
    made = verified_erasure(teammate, officer)

    run_rights_jobs()
    resume()
    resume()

    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    assert made.outcome == {"paused": "held"}
    assert not is_erased(teammate)
    assert str(Person.objects.get(pk=teammate.pk).family_name) == "Teammate"
    (told,) = notices("rights.refused")
    assert f"Why: {CONFIDENTIAL_NOTICE}" in told
    assert ORDER not in told
    assert HoldReason.LEGAL_PRESERVATION.label.lower() not in told.lower()
    assert notices("rights.completed") == []
    pages = [
        confirmed_client(teammate).get(reverse("rights:request", args=[made.pk])),
        staff_client(StaffRole.PRIVACY_OFFICER).get(
            reverse("rights:privacy_request", args=[made.pk])
        ),
    ]
    for page in pages:
        text = page.content.decode()
        assert page.status_code == 200
        assert "A legal obligation requires us to keep this data for now" in text
        assert ORDER not in text
        assert HoldReason.LEGAL_PRESERVATION.label not in text


def test_an_open_hold_tells_its_reason_and_end(customer, officer):
    placed = hold(customer, confidential=False)
    verified_erasure(customer, officer)

    run_rights_jobs()

    (told,) = notices("rights.refused")
    assert HoldReason.LEGAL_PRESERVATION.label.lower() in told
    assert f"{placed.ends_on:%d %B %Y}" in told
    assert ORDER not in told


def test_once_the_hold_ends_the_erasure_finishes_exactly_once(customer, teammate, officer):
    placed = hold(customer, confidential=True)
    made = verified_erasure(customer, officer)
    run_rights_jobs()

    end_hold(hold=placed, actor=None)
    assert resume() == 1
    assert resume() == 0  # nothing is in progress any more

    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert is_erased(customer)
    assert is_erased(teammate)  # the owner's erasure closes the account, everyone goes
    assert made.events.filter(step="completed").count() == 1
    assert len(notices("rights.completed")) == 1
    assert len(notices("rights.refused")) == 1


@pytest.fixture
def blocked() -> Iterator[set[uuid.UUID]]:
    """Subjects put in this set cannot be erased until taken out (a registered blocker)."""
    subjects: set[uuid.UUID] = set()

    def active_services(*, subject_id: uuid.UUID) -> list[str]:
        return [MUST_FIRST] if subject_id in subjects else []

    erasure.register_erasure_blocker(active_services)
    try:
        yield subjects
    finally:
        erasure._BLOCKERS.remove(active_services)


def test_a_blocker_pauses_the_erasure_tells_its_sentence_and_leaves_the_account_open(
    customer, teammate, officer, blocked
):
    blocked.add(teammate.subject_id)  # anyone on the account blocks the owner's erasure
    made = verified_erasure(customer, officer)

    run_rights_jobs()
    resume()

    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    assert made.outcome == {"paused": "blocked"}
    (told,) = notices("rights.refused")
    assert f"Why: {MUST_FIRST}" in told
    assert Customer.objects.get(pk=customer.customer_id).status == CustomerStatus.ACTIVE
    assert not is_erased(customer)
    assert not is_erased(teammate)


def test_once_unblocked_a_staff_retry_finishes_it_once(customer, officer, blocked, staff_client):
    blocked.add(customer.subject_id)
    made = verified_erasure(customer, officer)
    run_rights_jobs()
    client: Client = staff_client(StaffRole.PRIVACY_OFFICER)

    blocked.clear()
    client.post(reverse("rights:privacy_retry", args=[made.pk]))
    client.post(reverse("rights:privacy_retry", args=[made.pk]))
    run_rights_jobs()
    resume()

    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert is_erased(customer)
    assert Customer.objects.get(pk=customer.customer_id).status == CustomerStatus.CLOSED
    assert made.events.filter(step="completed").count() == 1
    assert len(notices("rights.completed")) == 1
    assert "Erased:" in notices("rights.completed")[0]


def test_a_held_owner_keeps_the_account_open_until_the_erasure_can_go_through(customer, staff):
    made = verified_erasure(customer, staff(StaffRole.PRIVACY_OFFICER))
    held = hold(customer, confidential=False)
    run_rights_jobs()
    account = Customer.objects.get(pk=customer.customer_id)
    assert account.status == CustomerStatus.ACTIVE  # the owner can still sign in and read why
    made.refresh_from_db()
    assert made.outcome["paused"] == "held"
    end_hold(hold=held, actor=None)
    resume()
    assert Customer.objects.get(pk=customer.customer_id).status == CustomerStatus.CLOSED
    assert is_erased(customer)
