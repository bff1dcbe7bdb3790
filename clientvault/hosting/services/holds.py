"""The registry needs a registrant while a domain exists: a kernel hold says so.

While a subject is the registrant of an active domain, a ``registry`` hold lasts until the
latest such domain expires: erasure and retention then keep the subject's data and tell them
why (the rights form's erasure says "the domain registry needs a registrant while the domain
exists"). The hold is brought up to date whenever a domain is registered, renewed, expires or
changes registrant.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clientvault.hosting.models import Domain, DomainStatus
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import Hold, HoldReason, Subject
from clientvault.privacy.services.holds import active_filter, end_hold, place_hold

PLACED_BY = "hosting.registry"
HOLDS = SystemActor("domain_registration")


def sync_registrant_hold(*, subject_id: uuid.UUID) -> Hold | None:
    """Hold the subject until their active domains' last expiry, or end the hold; the hold."""
    today = timezone.localdate()
    until = Domain.objects.filter(
        registrant__subject_id=subject_id, status=DomainStatus.ACTIVE, expires_on__gte=today
    ).aggregate(last=Max("expires_on"))["last"]
    with transaction.atomic():
        current = Hold.objects.filter(
            active_filter(today), subject_id=subject_id, placed_by=PLACED_BY
        ).first()
        if current is not None and current.ends_on == until:
            return current
        if current is not None:
            end_hold(hold=current, actor=HOLDS)
        if until is None:
            return None
        subject = Subject.objects.get(pk=subject_id)
        return place_hold(
            subject=subject,
            reason=HoldReason.REGISTRY,
            ends_on=until,
            actor=HOLDS,
            placed_by=PLACED_BY,
        )
