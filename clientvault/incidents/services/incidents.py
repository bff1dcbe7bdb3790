"""Opening, deciding and closing an incident; each step audited with codes only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientvault.incidents.models import Decision, DecisionRecord, Handler, Incident, Status
from clientvault.incidents.services.refusals import refuse
from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event


@dataclass(frozen=True)
class Facts:
    """What staff write about an incident: never about a person."""

    title: str
    description: str
    started_at: dt.datetime
    discovered_at: dt.datetime
    systems: tuple[str, ...] = ()
    consequences: str = ""
    measures: str = ""
    advice: str = ""


def open_incident(*, facts: Facts, actor: Actor, handlers: Iterable[Any] = ()) -> Incident:
    """Record a new incident (status open); it must have started no later than discovered,
    and neither may lie in the future."""
    check_facts(facts, actor)
    with transaction.atomic():
        incident = Incident.objects.create(
            title=facts.title.strip(),
            description=facts.description.strip(),
            consequences=facts.consequences.strip(),
            measures=facts.measures.strip(),
            advice=facts.advice.strip(),
            systems=[s.strip() for s in facts.systems if s.strip()],
            started_at=facts.started_at,
            discovered_at=facts.discovered_at,
            created_by=_login(actor),
            created_at=timezone.now(),
        )
        logins = {h.pk: h for h in handlers if getattr(h, "pk", None)}
        Handler.objects.bulk_create(Handler(incident=incident, user=u) for u in logins.values())
        record_event(action="incident.opened", actor=actor, obj=incident)
    return incident


def check_facts(facts: Facts, actor: Actor) -> None:
    """Refuse (audited, codes only) what no incident can be."""
    now = timezone.now()
    if facts.discovered_at > now:
        raise refuse(
            rule="discovered_in_future",
            field="discovered_at",
            message="Discovered: an incident cannot be discovered in the future.",
            actor=actor,
        )
    if facts.started_at > now:
        raise refuse(
            rule="started_in_future",
            field="started_at",
            message="Started: an incident cannot start in the future.",
            actor=actor,
        )
    if facts.started_at > facts.discovered_at:
        raise refuse(
            rule="started_after_discovered",
            field="started_at",
            message="Started: an incident cannot start after it was discovered.",
            actor=actor,
        )
    if not facts.title.strip() or not facts.description.strip():
        field = "title" if not facts.title.strip() else "description"
        raise refuse(
            rule="facts_required",
            field=field,
            message="Title and description: say what happened.",
            actor=actor,
        )


def _login(actor: Actor) -> Any:
    """The staff login acting, for a link to it; None for the system."""
    return actor if getattr(actor, "pk", None) else None


def record_decision(*, incident: Incident, decision: str, reason: str, actor: Actor) -> Incident:
    """Record whether the regulator is notified, and why (Art. 33(5)); the reason is required.
    A decision may change while the incident is live (the earlier one is kept), but not to
    "do not notify" once the regulator was notified."""
    check_decision(incident, decision, actor)
    if not reason.strip():
        raise refuse(
            rule="decision_reason_required",
            field="reason",
            message="Reason: say why; the decision must be documented.",
            actor=actor,
            incident=incident,
        )
    with transaction.atomic():
        incident.decision, incident.decision_reason = decision, reason.strip()
        incident.decided_at = timezone.now()
        incident.decided_by = _login(actor)
        incident.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
        DecisionRecord.objects.create(
            incident=incident,
            decision=decision,
            reason=incident.decision_reason,
            decided_by=incident.decided_by,
            decided_at=incident.decided_at,
        )
        details = {"decision": decision, "overdue": incident.decided_at > _deadline(incident)}
        record_event(action="incident.decided", actor=actor, obj=incident, details=details)
    return incident


def check_decision(incident: Incident, decision: str, actor: Actor) -> None:
    if incident.status == Status.CLOSED:
        raise refuse(
            rule="incident_closed",
            field="decision",
            message="Decision: the incident is closed; its decision can no longer change.",
            actor=actor,
            incident=incident,
        )
    if decision not in Decision.values:
        raise refuse(
            rule="decision_unknown",
            field="decision",
            message="Decision: choose whether to notify the regulator.",
            actor=actor,
            incident=incident,
        )
    if decision == Decision.NOT_NOTIFY and incident.regulator_notified_at is not None:
        raise refuse(
            rule="regulator_already_notified",
            field="decision",
            message="Decision: the regulator was already notified; it cannot become "
            '"do not notify".',
            actor=actor,
            incident=incident,
        )


def _deadline(incident: Incident) -> dt.datetime:
    return incident.deadline(current_profile().breach.regulator_hours)


def mark_regulator_notified(*, incident: Incident, actor: Actor) -> Incident:
    """Record that the regulator was sent the notification (after a decision to notify)."""
    if incident.decision != Decision.NOTIFY:
        raise refuse(
            rule="notified_without_decision",
            field="__all__",
            message="Record the decision to notify the regulator first.",
            actor=actor,
            incident=incident,
        )
    with transaction.atomic():
        incident.regulator_notified_at = timezone.now()
        incident.save(update_fields=["regulator_notified_at"])
        record_event(action="incident.regulator_notified", actor=actor, obj=incident)
    return incident


def move(*, incident: Incident, to: str, actor: Actor) -> Incident:
    """Change the status along ``TRANSITIONS`` (audited); a move it forbids is refused."""
    if not incident.may_become(to):
        raise refuse(
            rule="transition",
            field="__all__",
            message=f"An incident {incident.get_status_display().lower()} cannot become {to}.",
            actor=actor,
            incident=incident,
        )
    with transaction.atomic():
        incident.status = to
        incident.closed_at = timezone.now() if to == Status.CLOSED else None
        incident.save(update_fields=["status", "closed_at"])
        record_event(action="incident.moved", actor=actor, obj=incident, details={"to": to})
    return incident


def close_incident(*, incident: Incident, actor: Actor) -> Incident:
    """Close the incident: only once a decision about the regulator is recorded (Art. 33(5))."""
    if not incident.decision and incident.may_become(Status.CLOSED):
        raise refuse(
            rule="decision_required_to_close",
            field="__all__",
            message="Record the decision about notifying the regulator (and why) before "
            "closing the incident.",
            actor=actor,
            incident=incident,
        )
    return move(incident=incident, to=Status.CLOSED, actor=actor)
