"""What the notices, the call script and the regulator draft say, from the incident alone.

A notice to a person (GDPR Art. 34(2), with Art. 33(3)(b)-(d)) says what happened, which of
their data was involved, the likely consequences, the measures taken or proposed, what they can
do, and whom to ask. Every channel (e-mail, letter, telephone script, the customer area) says
the same, from :func:`notice_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clientvault.incidents.models import Incident
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import CATEGORIES, category_label

NOT_KNOWN_YET = "We are still establishing this; we will tell you when we know more."


@dataclass(frozen=True)
class NoticeText:
    reference: str
    what_happened: str
    categories: tuple[str, ...]  # labels
    consequences: str
    measures: str
    advice: str
    contact: str
    operator: str

    @property
    def categories_text(self) -> str:
        return ", ".join(self.categories) or "none that we know of"


def labels(categories: Iterable[str]) -> tuple[str, ...]:
    return tuple(category_label(c) for c in sorted(categories) if c in CATEGORIES)


def notice_text(incident: Incident, categories: Iterable[str]) -> NoticeText:
    profile = current_profile()
    return NoticeText(
        reference=incident.reference,
        what_happened=incident.description,
        categories=labels(categories),
        consequences=incident.consequences or NOT_KNOWN_YET,
        measures=incident.measures or NOT_KNOWN_YET,
        advice=incident.advice or "Be wary of messages that ask for your password or payment.",
        contact=profile.privacy_contact,
        operator=profile.operator_name,
    )


def call_script(incident: Incident) -> list[str]:
    """What the caller says, in order (the person's own categories are read from the list)."""
    text = notice_text(incident, ())
    return [
        f"Say who you are: calling from {text.operator} about a security incident "
        f"({text.reference}). Check you are speaking to the person on the list; if not, say "
        "nothing more and record a wrong number.",
        f"What happened: {text.what_happened}",
        "Which of their data was involved: read the categories on their line.",
        f"What it may mean for them: {text.consequences}",
        f"What we have done: {text.measures}",
        f"What they can do: {text.advice}",
        f"Questions: {text.contact}, quoting {text.reference}. A letter or e-mail follows "
        "where the law requires one, and the notice is in their account.",
    ]
