"""A court's order forbidding notice, extended: the demand's date and the deferred notice of
every disclosure its releases made move together (the kernel's ``defer_notice``)."""

from __future__ import annotations

import datetime

from django.db import transaction

from clientvault.legal.models import Demand, Ground, Package
from clientvault.legal.services.history import log_step
from clientvault.legal.services.refusals import refuse
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import Disclosure
from clientvault.privacy.services.disclosures import DisclosureRefused, defer_notice


def _disclosures(demand: Demand) -> list[Disclosure]:
    made = Package.objects.filter(release__demand=demand).values("disclosure_id")
    return list(Disclosure.objects.filter(pk__in=made))


def extend_notice_deferral(*, demand: Demand, until: datetime.date, actor: Actor) -> Demand:
    """Record that the order now forbids notice until ``until`` (audited); refused, naming
    the rule, when the demand is not legal process or the date is past."""
    if demand.ground != Ground.LEGAL_PROCESS:
        raise refuse(
            rule="notice_order_needs_legal_process",
            message="Notice forbidden until: only a court's order on legal process can defer "
            "the notice.",
            actor=actor,
            field="until",
            obj=demand,
        )
    try:
        with transaction.atomic():
            locked = Demand.objects.select_for_update().get(pk=demand.pk)
            defer_notice(disclosures=_disclosures(locked), until=until, actor=actor)
            locked.notice_forbidden_until = until
            locked.save(update_fields=["notice_forbidden_until"])
            log_step(
                demand=locked, step="notice_extended", actor=actor, reason=f"until {until:%Y-%m-%d}"
            )
    except DisclosureRefused as error:  # refused outside the rolled-back transaction
        raise refuse(
            rule="notice_deferral",
            message=f"Notice forbidden until: {error}.",
            actor=actor,
            field="until",
            obj=demand,
            details={"ground": demand.ground, "until": until.isoformat()},
        ) from None
    return locked
