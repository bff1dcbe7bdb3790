"""Shared helpers for the incidents tests: an incident, a login's accesses, a scoped incident."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from clientvault.accounts.models import Person, User
from clientvault.incidents.models import Incident, ScopeKind
from clientvault.incidents.services.incidents import Facts, open_incident
from clientvault.incidents.services.scope import ScopeAsk, scope_incident
from clientvault.privacy.services.access import record_access
from tests.accounts.personas import make_staff


def an_incident(actor: Any, *, discovered_hours_ago: float = 2, **facts: Any) -> Incident:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Support login phished",
        "description": "A support login was used from an unknown device.",
        "started_at": now - dt.timedelta(hours=discovered_hours_ago + 24),
        "discovered_at": now - dt.timedelta(hours=discovered_hours_ago),
        "consequences": "Phishing aimed at the people affected.",
        "measures": "The login was disabled and its sessions ended.",
        "advice": "Ignore messages asking for your password.",
        "systems": ("back office",),
        **facts,
    }
    return open_incident(facts=Facts(**values), actor=actor, handlers=[actor])


def saw(login: User, people: Iterable[Person], what: str = "customer.person:phone") -> None:
    for person in people:
        record_access(actor=login, subject_id=person.subject_id, purpose="support", what=what)


def compromised(people: Iterable[Person], username: str = "mallory") -> User:
    """A support login that viewed each person's record once."""
    login = make_staff("support", username=username)
    saw(login, people)
    return login


def scoped(handler: User, login: User, **facts: Any) -> Incident:
    incident = an_incident(handler, **facts)
    since = timezone.now() - dt.timedelta(hours=1)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=since, login=login.username)
    scope_incident(incident=incident, ask=ask, actor=handler)
    incident.refresh_from_db()
    return incident


def _login(role: str, username: str) -> User:
    return User.objects.filter(username=username).first() or make_staff(role, username=username)


def a_notified_incident(person: Person) -> Incident:
    """An incident whose scope holds ``person``, with e-mail, letter and call notices made
    (the walks' incident: the logins are reused, so it can be made more than once)."""
    from clientvault.incidents.services.letters import prepare_letters
    from clientvault.incidents.services.notices import prepare_call_list, send_email_notices

    login = _login("support", "walk-intruder")
    saw(login, [person])
    incident = scoped(_login("legal", "walk-handler"), login)
    handler = _login("legal", "walk-handler")
    send_email_notices(incident=incident, actor=handler)
    prepare_letters(incident=incident, actor=handler)
    prepare_call_list(incident=incident, actor=handler)
    return incident


def a_call(person: Person) -> dict[str, Any]:
    """The url kwargs of a call on a notified incident's list."""
    incident = a_notified_incident(person)
    notice = incident.notices.get(channel="telephone")
    return {"pk": incident.pk, "notice": notice.pk}


def a_letter(person: Person) -> dict[str, Any]:
    """The url kwargs of a letter of a notified incident."""
    incident = a_notified_incident(person)
    notice = incident.notices.get(channel="letter")
    return {"pk": incident.pk, "notice": notice.pk}
