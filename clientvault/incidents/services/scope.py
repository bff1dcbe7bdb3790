"""Scoping an incident: whose data a compromised login, an API token, or anyone in a time window
saw, and which categories (SEC-5), from the kernel's access log.

The access log holds a ``access.view`` (a page's code) or ``reveal`` (a model and field) entry
for every time personal data was put in front of someone. A login's entries are read with
``accesses_by`` bounded by the window: one query on the ``(actor_id, at)`` index, so the time
grows with that login's activity, not with the log. A window reads every view and reveal in it
(the ``(action, at)`` index). An API request is logged under the token's user: a token's scope
is that user's accesses while the token was usable (from the audit log's ``api_token.created``
and ``api_token.revoked`` entries), which may include what the user saw in a browser too.
Categories come from the inventory (``incidents.categories``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clientvault.incidents.categories import field_category, page_categories
from clientvault.incidents.logins import login_ref
from clientvault.incidents.models import (
    AffectedSubject,
    How,
    Incident,
    ScopeKind,
    ScopeRun,
    Status,
)
from clientvault.incidents.services.refusals import refuse
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.models import AuditEvent, Subject
from clientvault.privacy.services.access import SEEN, accesses_by
from clientvault.privacy.services.audit import record_event

BATCH = 2000


@dataclass(frozen=True)
class ScopeAsk:
    """What to scope: a login (username), a token (its public prefix) or a window alone."""

    kind: str
    since: dt.datetime
    until: dt.datetime | None = None
    login: str = ""
    token: str = ""


@dataclass
class Found:
    """What the entries showed: each subject's categories, and whether any entry was exact."""

    events: int = 0
    subjects: dict[uuid.UUID, tuple[set[str], bool]] = field(default_factory=dict)

    def add(self, subject_id: uuid.UUID, categories: Iterable[str], exact: bool) -> None:
        held, seen = self.subjects.setdefault(subject_id, (set(), False))
        held.update(categories)
        if exact and not seen:
            self.subjects[subject_id] = (held, True)

    def by_category(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for categories, _ in self.subjects.values():
            for category in categories:
                counts[category] = counts.get(category, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class Resolved:
    kind: str
    actor_id: str
    since: dt.datetime
    until: dt.datetime
    token: str = ""


def _event_categories(action: str, details: Any) -> tuple[set[str], bool]:
    details = details if isinstance(details, dict) else {}
    if action == "reveal":
        category = field_category(str(details.get("model", "")), str(details.get("field", "")))
        return ({category} if category else set()), True
    categories, exact = page_categories(str(details.get("what", "")))
    return set(categories), exact


def gather(events: Iterator[tuple[uuid.UUID | None, str, Any]]) -> Found:
    """Fold access-log entries (subject, action, details) into subjects and categories."""
    found = Found()
    for subject_id, action, details in events:
        found.events += 1
        if subject_id is not None:
            categories, exact = _event_categories(action, details)
            found.add(subject_id, categories, exact)
    return found


def entries(resolved: Resolved) -> QuerySet[AuditEvent]:
    """The views and reveals in scope: one login's (its index) or everyone's in the window."""
    if resolved.actor_id:
        seen = accesses_by(actor_ref=resolved.actor_id, since=resolved.since)
    else:
        seen = AuditEvent.objects.filter(action__in=SEEN, at__gte=resolved.since)
    return seen.filter(at__lt=resolved.until).order_by()


def find(resolved: Resolved) -> Found:
    rows = entries(resolved).values_list("subject_id", "action", "details")
    return gather(rows.iterator(chunk_size=BATCH))


# -- resolving what was asked ----------------------------------------------------------------


def resolve(ask: ScopeAsk, *, actor: Actor | None, incident: Incident | None = None) -> Resolved:
    """The actor and window to read; a refusal naming the rule (audited) for bad input."""
    until = ask.until or timezone.now()
    if until <= ask.since:
        raise refuse(
            rule="window_order",
            field="until",
            message="Until: the window must end after it starts.",
            actor=actor,
            incident=incident,
        )
    if ask.kind == ScopeKind.LOGIN:
        return _login(ask, until, actor, incident)
    if ask.kind == ScopeKind.TOKEN:
        return _token(ask, until, actor, incident)
    return Resolved(ScopeKind.WINDOW, "", ask.since, until)


def _login(
    ask: ScopeAsk, until: dt.datetime, actor: Actor | None, inc: Incident | None
) -> Resolved:
    ref = login_ref(ask.login) if ask.login.strip() else None
    if ref is None:
        raise refuse(
            rule="unknown_login",
            field="login",
            message="Login: no login has this username.",
            actor=actor,
            incident=inc,
        )
    return Resolved(ScopeKind.LOGIN, ref, ask.since, until)


def _token(
    ask: ScopeAsk, until: dt.datetime, actor: Actor | None, inc: Incident | None
) -> Resolved:
    prefix = ask.token.strip().removeprefix("cv_").partition("_")[0]
    made = _token_event("api_token.created", prefix) if prefix else None
    if made is None:
        raise refuse(
            rule="unknown_token",
            field="token",
            message="Token: no API token with this prefix was ever created.",
            actor=actor,
            incident=inc,
        )
    revoked = _token_event("api_token.revoked", prefix)
    end = min(until, revoked.at) if revoked is not None else until
    start = max(ask.since, made.at)
    if end <= start:
        raise refuse(
            rule="token_not_used_in_window",
            field="token",
            message="Token: it did not exist during this window (created after it ends or "
            "revoked before it starts).",
            actor=actor,
            incident=inc,
        )
    return Resolved(ScopeKind.TOKEN, made.actor_id, start, end, prefix)


def _token_event(action: str, prefix: str) -> AuditEvent | None:
    events = AuditEvent.objects.filter(action=action, object_type="accounts.ApiToken")
    return events.filter(details__prefix=prefix).order_by("seq").first()


# -- keeping the scope on the incident -------------------------------------------------------


def scope_incident(*, incident: Incident, ask: ScopeAsk, actor: Actor) -> ScopeRun:
    """Scope the incident and keep who was affected and which categories (audited, counts only).

    Scoping again (another login, a wider window) adds people and categories; nobody found
    before is dropped.
    """
    if incident.status == Status.CLOSED:
        raise refuse(
            rule="incident_closed",
            field="__all__",
            message="The incident is closed: it cannot be scoped again.",
            actor=actor,
            incident=incident,
        )
    resolved = resolve(ask, actor=actor, incident=incident)
    found = find(resolved)
    with transaction.atomic():
        run = _run(incident, resolved, found, actor)
        added = _store(incident, run, found)
        if incident.status == Status.OPEN:
            Incident.objects.filter(pk=incident.pk).update(status=Status.SCOPED)
            incident.status = Status.SCOPED
        record_event(
            action="incident.scoped",
            actor=actor,
            obj=incident,
            details={
                "kind": resolved.kind,
                "events": found.events,
                "subjects": len(found.subjects),
                "added": added,
            },
        )
    return run


def _run(incident: Incident, resolved: Resolved, found: Found, actor: Actor) -> ScopeRun:
    return ScopeRun.objects.create(
        incident=incident,
        kind=resolved.kind,
        actor_id=resolved.actor_id,
        token_prefix=resolved.token,
        since=resolved.since,
        until=resolved.until,
        events=found.events,
        subjects=len(found.subjects),
        by_category=found.by_category(),
        run_at=timezone.now(),
        run_by=actor_ref(actor),
    )


def _existing_subjects(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The ids that are subjects (an entry may name a subject since removed)."""
    known: set[uuid.UUID] = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        known |= set(Subject.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return known


def _store(incident: Incident, run: ScopeRun, found: Found) -> int:
    """Add the new people (bulk) and widen the categories of those known; how many are new."""
    held = {row.subject_id: row for row in AffectedSubject.objects.filter(incident=incident)}
    known = _existing_subjects([s for s in found.subjects if s not in held])
    new, changed = [], []
    for subject_id, (categories, seen) in found.subjects.items():
        how = How.SEEN if seen else How.COULD_HAVE_SEEN
        row = held.get(subject_id)
        if row is None and subject_id in known:
            new.append(_row(incident, run, subject_id, categories, how))
        elif row is not None and _widen(row, categories, seen):
            changed.append(row)
    AffectedSubject.objects.bulk_create(new, batch_size=BATCH)
    AffectedSubject.objects.bulk_update(changed, ["categories", "how"], batch_size=BATCH)
    return len(new)


def _row(
    incident: Incident, run: ScopeRun, subject_id: uuid.UUID, categories: set[str], how: str
) -> AffectedSubject:
    return AffectedSubject(
        incident=incident, subject_id=subject_id, categories=sorted(categories), how=how, scope=run
    )


def _widen(row: AffectedSubject, categories: set[str], seen: bool) -> bool:
    wider = sorted(set(row.categories) | categories)
    how = How.SEEN if seen else row.how
    if wider == row.categories and how == row.how:
        return False
    row.categories, row.how = wider, how
    return True
