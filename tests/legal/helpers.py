"""Shared helpers for the legal tests: the legal team, a customer, demands in each state."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from clientvault.accounts.models import Person, StaffRole, User
from clientvault.legal.models import Demand, DemandType, Release
from clientvault.legal.services.demands import DemandInput, open_demand, start_review
from clientvault.legal.services.releases import approve_release, prepare_release
from tests.accounts.personas import OWNER_DETAILS, make_staff, open_test_account

SUBSCRIBER = ["user.name", "user.contact.email"]


def legal_member(username: str) -> User:
    """A member of the legal team, with an address for the team's reminders."""
    user = make_staff(StaffRole.LEGAL.value, username=username)
    user.email = f"{username}@vault.example"
    user.save()
    return user


def legal_team() -> tuple[User, User]:
    """Two members of the legal team (four eyes)."""
    return legal_member("legal-a"), legal_member("legal-b")


def a_customer(username: str = "ada.l") -> Person:
    return open_test_account(username=username, details=OWNER_DETAILS)


def given(person: Person, **changes: Any) -> DemandInput:
    """A subpoena naming the person, asking for subscriber data, received today."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "authority": "District Court of Columbia",
        "jurisdiction": "US",
        "demand_type": DemandType.SUBPOENA,
        "their_reference": "1:26-mj-00042",
        "received_on": today,
        "due_on": today + datetime.timedelta(days=14),
        "subjects": [person.subject_id],
        "categories": SUBSCRIBER,
        **changes,
    }
    return DemandInput(**values)


def a_demand(person: Person, actor: User, *, review: bool = True, **changes: Any) -> Demand:
    demand = open_demand(given=given(person, **changes), handler=actor, actor=actor)
    return start_review(demand=demand, actor=actor) if review else demand


def a_prepared_release(
    person: Person, preparer: User, categories: list[str] | None = None, **changes: Any
) -> Release:
    demand = a_demand(person, preparer, **changes)
    chosen = {person.subject_id: categories or SUBSCRIBER}
    return prepare_release(demand=demand, categories=chosen, actor=preparer)


def an_approved_release(
    person: Person, preparer: User, approver: User, **changes: Any
) -> tuple[Release, str]:
    release = a_prepared_release(person, preparer, **changes)
    return approve_release(release=release, actor=approver)


def refusals(rule: str) -> int:
    from clientvault.privacy.models import AuditEvent

    return AuditEvent.objects.filter(action="legal.refused", details__rule=rule).count()


def walk_member() -> User:
    """One member of the legal team for the access walks (made once)."""
    return User.objects.filter(username="legal-walk").first() or legal_member("legal-walk")


def a_walk_demand(person: Person) -> Demand:
    """A subpoena naming the person, under review (for the access walks)."""
    return a_demand(person, walk_member())


def a_walk_release(person: Person) -> Release:
    """A release prepared on a subpoena naming the person (for the access walks)."""
    return a_prepared_release(person, walk_member())


def a_walk_link(person: Person) -> dict[str, str]:
    """The pk and secret of an approved release's link, as the authority is given it."""
    second = User.objects.filter(username="legal-walk-b").first() or legal_member("legal-walk-b")
    release, secret = approve_release(release=a_walk_release(person), actor=second)
    return {"pk": str(release.pk), "secret": secret}
