"""The regulator notification draft (GDPR Art. 33(3)), as text made from the incident.

(a) the nature of the breach, with the categories and approximate numbers of people and of
records concerned; (b) the contact point; (c) the likely consequences; (d) the measures taken or
proposed. Plus the timeline and, when late, the reasons for the delay (Art. 33(1)).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from clientvault.incidents.models import Incident
from clientvault.incidents.services.clock import clock
from clientvault.incidents.wording import NOT_KNOWN_YET
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import CATEGORIES, category_label


def category_counts(incident: Incident) -> list[tuple[str, int]]:
    """(category label, people) for the incident's affected people, largest first."""
    counts: dict[str, int] = {}
    for categories in incident.affected.values_list("categories", flat=True).iterator():
        for category in categories:
            counts[category] = counts.get(category, 0) + 1
    rows = [(category_label(c), n) for c, n in counts.items() if c in CATEGORIES]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"  # type: ignore[arg-type]


def regulator_draft(incident: Incident) -> str:
    """The draft notification, plain text, for the handler to check and send."""
    profile = current_profile()
    people = incident.affected.count()
    records = sum(incident.scopes.values_list("events", flat=True))
    by_how = dict(incident.affected.values("how").annotate(n=Count("id")).values_list("how", "n"))
    categories = category_counts(incident) or [("none established yet", 0)]
    left = clock(incident)
    lines = [
        f"Notification of a personal data breach to {profile.breach.regulator}",
        f"Controller: {profile.operator_name}, {profile.operator_address}",
        f"Our reference: {incident.reference}",
        "",
        "1. Nature of the breach (Art. 33(3)(a))",
        f"What happened: {incident.description}",
        f"Title: {incident.title}",
        f"Systems involved: {', '.join(incident.systems) or 'not established yet'}",
        f"Started: {_when(incident.started_at)}; discovered: {_when(incident.discovered_at)}",
        f"People concerned (approximately): {people} "
        f"({by_how.get('seen', 0)} whose data was seen, "
        f"{by_how.get('could_have_seen', 0)} whose data could have been seen)",
        f"Records concerned (approximately): {records} access-log entries",
        "Categories of personal data concerned (people):",
        *[f"  - {label}: {n}" for label, n in categories],
        "",
        "2. Contact point (Art. 33(3)(b))",
        f"{profile.privacy_contact}",
        "",
        "3. Likely consequences (Art. 33(3)(c))",
        incident.consequences or NOT_KNOWN_YET,
        "",
        "4. Measures taken or proposed (Art. 33(3)(d))",
        incident.measures or NOT_KNOWN_YET,
        "",
        f"Deadline: {_when(left.deadline)} ({left.text} when this draft was made)",
    ]
    if left.overdue:
        lines.append("Reasons for the delay (Art. 33(1)): [to be completed]")
    return "\n".join(lines) + "\n"
