"""Declarations of incidents, their scopes, the people affected and the notices sent them.

An incident's title and texts (what happened, consequences, measures, advice, the decision's
reason) describe the incident, not a person: the forms say never to name anyone, and they are
kept short (2,000 characters), since the regulator draft and every notice quote them. A scope
keeps only the actor's reference, the window and counts. Which people were affected, and how a
call to them went, is about them: the link to their subject, and a caller's note sealed for them.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

SECURITY = ["security"]
INCIDENT_TEXT = "about the incident, never a person (the form says so); short"

inv.declare(
    "incidents.Incident",
    subject=None,
    description="Security incidents: what happened, when, the regulator's clock and decision "
    "(SEC-4, GDPR Art. 33)",
    fields={
        "id": inv.not_personal("row id"),
        "reference": inv.not_personal("random public reference"),
        "title": inv.not_personal(INCIDENT_TEXT),
        "description": inv.not_personal(INCIDENT_TEXT),
        "consequences": inv.not_personal(INCIDENT_TEXT),
        "measures": inv.not_personal(INCIDENT_TEXT),
        "advice": inv.not_personal(INCIDENT_TEXT),
        "systems": inv.not_personal("names of the systems involved"),
        "started_at": inv.not_personal("when"),
        "discovered_at": inv.not_personal("when"),
        "status": inv.not_personal("where the incident stands"),
        "created_by": inv.not_personal("link to the staff login that opened it"),
        "created_at": inv.not_personal("when"),
        "decision": inv.not_personal("whether the regulator is notified"),
        "decision_reason": inv.not_personal(INCIDENT_TEXT),
        "decided_by": inv.not_personal("link to the staff login that decided"),
        "decided_at": inv.not_personal("when"),
        "regulator_notified_at": inv.not_personal("when"),
        "reminded_at": inv.not_personal("when the handlers were reminded of the deadline"),
        "closed_at": inv.not_personal("when"),
    },
)
inv.declare(
    "incidents.DecisionRecord",
    subject=None,
    description="Every decision about notifying the regulator, earlier ones kept (GDPR Art. 33(5))",
    fields={
        "id": inv.not_personal("row id"),
        "incident": inv.not_personal("link to the incident"),
        "decision": inv.not_personal("whether the regulator is notified"),
        "reason": inv.not_personal(INCIDENT_TEXT),
        "decided_by": inv.not_personal("link to the staff login that decided"),
        "decided_at": inv.not_personal("when"),
    },
)
inv.declare(
    "incidents.Handler",
    subject=None,
    description="The staff logins handling an incident",
    fields={
        "id": inv.not_personal("row id"),
        "incident": inv.not_personal("link to the incident"),
        "user": inv.not_personal("link to the staff login"),
    },
)

inv.declare(
    "incidents.ScopeRun",
    subject=None,
    description="How an incident was scoped: whose accesses, over which window, and counts",
    fields={
        "id": inv.not_personal("row id"),
        "incident": inv.not_personal("link to the incident"),
        "kind": inv.not_personal("a login, a token or a window"),
        "actor_id": inv.not_personal("audit reference of the compromised login (user:42)"),
        "token_prefix": inv.not_personal("the public prefix of a compromised API token"),
        "since": inv.not_personal("when"),
        "until": inv.not_personal("when"),
        "events": inv.not_personal("a count"),
        "subjects": inv.not_personal("a count"),
        "by_category": inv.not_personal("counts by data category"),
        "run_at": inv.not_personal("when"),
        "run_by": inv.not_personal("audit reference of who ran it"),
    },
)

inv.declare(
    "incidents.AffectedSubject",
    subject="subject",
    description="The people an incident affected, and which categories of their data were "
    "seen or could have been seen (SEC-5)",
    fields={
        "id": inv.not_personal("row id"),
        "incident": inv.not_personal("link to the incident"),
        "subject": inv.not_personal("link to the person"),
        "categories": inv.not_personal("data category codes"),
        "how": inv.not_personal("seen, or could have been seen"),
        "scope": inv.not_personal("link to the scoping that found them"),
    },
)

inv.declare(
    "incidents.Notice",
    subject="subject",
    description="The breach notices sent to each person by e-mail, letter or telephone "
    "(SEC-4, GDPR Art. 34), and how each call went",
    fields={
        "id": inv.not_personal("row id"),
        "incident": inv.not_personal("link to the incident"),
        "subject": inv.not_personal("link to the person"),
        "channel": inv.not_personal("e-mail, letter or telephone"),
        "status": inv.not_personal("where the notice stands"),
        "sent_at": inv.not_personal("when"),
        "outcome": inv.not_personal("how a call went"),
        "note": inv.personal("user.content", purposes=SECURITY, erasure="shred"),
        "recorded_by": inv.not_personal("audit reference of who recorded the call"),
        "recorded_at": inv.not_personal("when"),
    },
)
