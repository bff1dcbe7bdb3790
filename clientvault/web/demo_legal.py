"""The demo's legal register and breach response.

- Legal (Leo prepares, Lena approves: four eyes): a subpoena fully complied with for Carol's
  subscriber data, which she sees under "Who received it"; a court order for Kai's records
  whose notice to him is deferred by a non-disclosure order; a preservation request holding
  Kai's data; a search warrant from outside the operator's jurisdiction, refused; and the
  published transparency report for 2026H2, counted from the register.
- Incidents: a support login phished and used to open Carol's, Omar's and Kai's records; the
  incident scoped from that login's access log, the regulator decision recorded, and each
  person told by e-mail, letter and telephone; Carol reads her notice in the customer area.

Both go through their apps' services, and run once: a second run changes nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from clientvault.accounts.models import User
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.incidents.demo import seed_incident_demo
from clientvault.incidents.models import Incident
from clientvault.legal.demo import seed_legal_demo
from clientvault.legal.models import Demand, Status, TransparencyReport

CAROL, OMAR, KAI = "carol@example.com", "omar@orbit-analytics.example", "kai.mueller@example.de"


def _subject(email: str) -> uuid.UUID:
    person = find_person_by_email(email)
    if person is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return person.subject_id


def load_legal(*, legal: User, second_legal: User) -> str:
    subjects = [_subject(CAROL), _subject(KAI)]
    return seed_legal_demo(subjects=subjects, staff_legal_a=legal, staff_legal_b=second_legal)


def load_incidents(*, compromised: User, handler: User) -> str:
    subjects = [_subject(email) for email in (CAROL, OMAR, KAI)]
    return seed_incident_demo(compromised_staff=compromised, handler=handler, subjects=subjects)


def _url(name: str) -> str:
    return settings.CLIENTVAULT_SITE_URL + reverse(name)


def legal_lines() -> list[str]:
    """The demo's legal register and incidents, for ``clientvault demo --logins``."""
    counts = dict(Demand.objects.values_list("status").annotate(n=Count("pk")))
    if not counts:
        return []
    said = ", ".join(f"{counts[v]} {label.lower()}" for v, label in Status.choices if v in counts)
    lines = [
        f"Legal demands ({said}), for leo.legal and lena.legal at {_url('legal:staff_demands')}"
    ]
    if TransparencyReport.objects.filter(published_at__isnull=False).exists():
        lines.append(f"  Published transparency reports: {_url('legal:transparency')}")
    for incident in Incident.objects.order_by("discovered_at"):
        lines.append(
            f"Incident {incident.reference} ({incident.get_status_display().lower()}); "
            f"Carol reads her notice at {_url('incidents:security_notices')}"
        )
    return lines
