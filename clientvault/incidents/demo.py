"""A closed incident for the demo: a compromised staff login's accesses scoped, the decision
recorded, and notices sent by e-mail, letter and telephone (with each call's outcome)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from clientvault.incidents.models import Channel, Decision, Incident, Outcome, ScopeKind
from clientvault.incidents.services.incidents import (
    Facts,
    close_incident,
    mark_regulator_notified,
    open_incident,
    record_decision,
)
from clientvault.incidents.services.letters import prepare_letters
from clientvault.incidents.services.notices import (
    prepare_call_list,
    record_call,
    send_email_notices,
)
from clientvault.incidents.services.scope import ScopeAsk, scope_incident
from clientvault.privacy.services.access import record_access
from clientvault.privacy.taxonomy import Purpose

OUTCOMES = (Outcome.REACHED, Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER)
FACTS = {
    "title": "Support login used from an unknown device",
    "description": "A support agent's password was phished and the login was used from an "
    "unknown device to open customer records.",
    "consequences": "Names, contact details and addresses may be used for targeted phishing.",
    "measures": "The login was disabled, its sessions ended and every password of the support "
    "team reset; two-factor sign-in is now required from new devices.",
    "advice": "Be wary of e-mails or calls that claim to be from us and ask for your password or "
    "payment details; we never ask for them.",
}


def seed_incident_demo(*, compromised_staff: Any, handler: Any, subjects: list[uuid.UUID]) -> str:
    """Make the demo's closed incident (once: a second run changes nothing); a one-line
    summary."""
    if Incident.objects.filter(title=FACTS["title"]).exists():
        return "incidents: the demo incident exists already"
    now = timezone.now()
    for subject_id in subjects:
        record_access(
            actor=compromised_staff,
            subject_id=subject_id,
            purpose=Purpose.SUPPORT,
            what="customer.person:phone",
        )
    facts = Facts(
        **FACTS,
        started_at=now - dt.timedelta(days=3),
        discovered_at=now - dt.timedelta(days=2),
        systems=("back office",),
    )
    incident = open_incident(facts=facts, actor=handler, handlers=[handler])
    ask = ScopeAsk(
        kind=ScopeKind.LOGIN, since=now - dt.timedelta(hours=1), login=compromised_staff.username
    )
    run = scope_incident(incident=incident, ask=ask, actor=handler)
    reason = "Contact details of customers were seen by an unauthorised person: a risk to them."
    record_decision(incident=incident, decision=Decision.NOTIFY, reason=reason, actor=handler)
    mark_regulator_notified(incident=incident, actor=handler)
    mail = send_email_notices(incident=incident, actor=handler)
    letters = prepare_letters(incident=incident, actor=handler)
    prepare_call_list(incident=incident, actor=handler)
    called = _calls(incident, handler)
    close_incident(incident=incident, actor=handler)
    return (
        f"Incident {incident.reference}: {run.subjects} people scoped, {mail['sent']} e-mails, "
        f"{letters['made']} letters, {called} calls recorded; closed"
    )


def _calls(incident: Incident, handler: Any) -> int:
    calls = incident.notices.filter(channel=Channel.TELEPHONE, status="pending")
    for n, notice in enumerate(calls):
        record_call(notice=notice, outcome=OUTCOMES[n % len(OUTCOMES)], note="", actor=handler)
    return len(calls)
