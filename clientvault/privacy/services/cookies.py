"""Cookie choices and Global Privacy Control in the consent ledger (COL-8).

A visitor's answer about preference cookies is kept in their browser (``cv_cookies``,
``clientvault.privacy.cookies``); a signed-in customer's answer is also one more dated record in
the consent ledger (purpose ``preference_cookies``), audited there in the same transaction.

A browser sending Global Privacy Control (``Sec-GPC: 1``) refuses every cookie that is not
strictly necessary and any sharing with partners. For a signed-in customer that refusal is
recorded with source ``gpc``, once: only for a purpose whose newest record is not a refusal
already (none yet, or a grant), so a browser that sends the signal with every request writes one
record per purpose, and again only after the person grants it anew.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from clientvault.privacy.actors import Actor
from clientvault.privacy.cookies import GPC_HEADER
from clientvault.privacy.models import ConsentRecord, ConsentSource, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.consent import record_consent
from clientvault.privacy.taxonomy import Purpose

GPC_REFERENCE = f"{GPC_HEADER}: 1"


def gpc_purposes() -> tuple[str, ...]:
    """What GPC refuses: preference cookies, and partner sharing where the profile offers it
    (under ``sharing.partners = "never"`` there is nothing to refuse)."""
    purposes = [Purpose.PREFERENCE_COOKIES.value]
    if current_profile().partners != "never":
        purposes.append(Purpose.PARTNER_SHARING.value)
    return tuple(purposes)


def _newest(subject_id: uuid.UUID, purposes: tuple[str, ...]) -> dict[str, bool]:
    """The newest record of each purpose that has one: granted (True) or refused."""
    records = ConsentRecord.objects.filter(subject_id=subject_id, purpose__in=purposes)
    newest: dict[str, bool] = {}
    for purpose, granted in records.order_by("-at", "-id").values_list("purpose", "granted"):
        newest.setdefault(purpose, granted)
    return newest


def _not_refused(subject_id: uuid.UUID) -> list[str]:
    purposes = gpc_purposes()
    newest = _newest(subject_id, purposes)
    return [purpose for purpose in purposes if newest.get(purpose, True)]


def honour_gpc(*, subject_id: uuid.UUID, actor: Actor) -> list[str]:
    """Record the refusals a GPC signal makes for the subject; the purposes recorded ([] when
    each was refused already, or the subject is erased)."""
    if not _not_refused(subject_id):
        return []
    with transaction.atomic():
        # Under the subject's lock, looked at again: a parallel request may have recorded it.
        subject = Subject.objects.select_for_update().filter(pk=subject_id).first()
        if subject is None or subject.is_erased:
            return []
        due = _not_refused(subject_id)
        for purpose in due:
            record_consent(
                subject=subject,
                purpose=purpose,
                granted=False,
                source=ConsentSource.GPC,
                actor=actor,
                reference=GPC_REFERENCE,
            )
    return due


def record_cookie_choice(
    *, subject_id: uuid.UUID, accepted: bool, actor: Actor, source: str = ConsentSource.FORM
) -> ConsentRecord | None:
    """Record a signed-in person's answer about preference cookies, unless the ledger's newest
    record already says the same (or the subject is erased); the record made, if any."""
    purpose = Purpose.PREFERENCE_COOKIES.value
    with transaction.atomic():
        subject = Subject.objects.select_for_update().filter(pk=subject_id).first()
        if subject is None or subject.is_erased:
            return None
        if _newest(subject_id, (purpose,)).get(purpose) is accepted:
            return None
        return record_consent(
            subject=subject, purpose=purpose, granted=accepted, source=source, actor=actor
        )
