"""The person's own choices (CTL-4, SHR-3): news and offers by e-mail, and sharing with partners
where the policy profile offers it (``sharing.partners`` is opt-in or opt-out; never: nothing to
choose).

A choice is the person's current consent in the ledger (``privacy.services.consent``); without a
record of theirs, the profile's default (``marketing.default``, ``sharing.partners``). Each
change is one more dated record with its source (the choices page: form; the API: api), audited
by the ledger in the same transaction; the history is never edited. A person changes only their
own: the subject is always the signed-in person's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from clientvault.accounts.models import Person
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import ConsentRecord, ConsentSource
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.consent import current_consent, record_consent
from clientvault.privacy.taxonomy import Purpose

LABELS = {
    Purpose.MARKETING.value: "News and offers by e-mail",
    Purpose.RESELLER_NEWSLETTER.value: "Newsletters for resellers",
    Purpose.PARTNER_SHARING.value: "Sharing with partners",
}
NOT_OFFERED = "We do not share your data with partners, so there is nothing to choose here."
NOT_A_RESELLER = (
    "Newsletters for resellers go only to the people of a reseller's account, where we send them."
)


@dataclass(frozen=True)
class Choice:
    """One choice as it stands: given (True) or refused, and since when."""

    purpose: str
    label: str
    granted: bool
    since: datetime | None  # None: the profile's default; the person has not chosen yet
    source: str  # a ConsentSource value; "" with the default


def offered_purposes(person: Person | None = None) -> tuple[str, ...]:
    """The choices the policy profile gives: marketing always; resellers' newsletters to the
    people of a reseller's account where the profile sends them; partner sharing unless never."""
    profile = current_profile()
    offered = [Purpose.MARKETING.value]
    if person is not None and person.customer.is_reseller and profile.reseller_newsletters:
        offered.append(Purpose.RESELLER_NEWSLETTER.value)
    if profile.partners != "never":
        offered.append(Purpose.PARTNER_SHARING.value)
    return tuple(offered)


def _newest(person: Person, purpose: str) -> ConsentRecord | None:
    records = ConsentRecord.objects.filter(subject_id=person.subject_id, purpose=purpose)
    return records.order_by("-at", "-id").first()


def person_choices(*, person: Person) -> list[Choice]:
    """The person's choices the profile offers, each with the date it was made."""
    choices = []
    for purpose in offered_purposes(person):
        newest = _newest(person, purpose)
        granted = current_consent(subject=person.subject, purpose=purpose)
        since, source = (newest.at, newest.source) if newest is not None else (None, "")
        choices.append(Choice(purpose, LABELS[purpose], granted, since, source))
    return choices


def choice_history(*, person: Person) -> QuerySet[ConsentRecord]:
    """Every choice the person made of those offered, newest first."""
    records = ConsentRecord.objects.filter(
        subject_id=person.subject_id, purpose__in=offered_purposes(person)
    )
    return records.order_by("-at", "-id")


def check_offered(choices: Mapping[str, object], person: Person | None = None) -> None:
    """Refuse a choice the profile does not give (the person), naming it."""
    offered = offered_purposes(person)
    errors = {
        name: NOT_A_RESELLER if name == Purpose.RESELLER_NEWSLETTER else NOT_OFFERED
        for name in choices
        if name not in offered
    }
    if errors:
        raise ValidationError(errors)


def change_choices(
    *, person: Person, choices: Mapping[str, bool], actor: Actor, source: str
) -> list[str]:
    """Record each choice that differs from the person's current one; the purposes changed.

    ``source`` says where the person made it (``ConsentSource``: form, api). A choice the same
    as the current one records nothing.
    """
    check_offered(choices, person)
    if source not in ConsentSource.values:
        raise ValueError(f"choices: unknown source {source!r}")
    changed = []
    with transaction.atomic():
        for purpose in offered_purposes(person):
            if purpose in choices and choices[purpose] != current_consent(
                subject=person.subject, purpose=purpose
            ):
                record_consent(
                    subject=person.subject,
                    purpose=purpose,
                    granted=choices[purpose],
                    source=source,
                    actor=actor,
                )
                changed.append(purpose)
    return changed
