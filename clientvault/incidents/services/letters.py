"""Letters to the people an incident affected (SEC-4): one A4 page per person, print-ready for a
window envelope (DIN 5008 form B, C5/6 or DL window: the address field 20 mm from the left and
45 mm from the top, 85 x 45 mm, the sender's line at its top), from the operator's name and
address in the policy profile.

``prepare_letters`` records a letter notice per person: made, or, with no postal address on
record, "nothing on record" (never an invented address). The PDFs are rendered by WeasyPrint
with inline CSS and a fetcher that refuses every URL, as the kernel's export does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from clientvault.incidents.models import Channel, Incident, Notice, NoticeStatus
from clientvault.incidents.postal import postal_lines
from clientvault.incidents.services.notices import (
    audit_notices,
    check_open,
    not_yet_noticed,
    start_notifying,
)
from clientvault.incidents.wording import NoticeText, notice_text
from clientvault.privacy.actors import Actor
from clientvault.privacy.directory import directory
from clientvault.privacy.profile import current_profile


@dataclass(frozen=True)
class Letter:
    name: str
    address: tuple[str, ...]
    text: NoticeText


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: a letter needs nothing outside its own HTML and inline CSS."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("a letter fetches nothing")


def prepare_letters(*, incident: Incident, actor: Actor) -> dict[str, int]:
    """A letter notice for every affected person not yet written to (audited, counts)."""
    check_open(incident, actor)
    counts = {"made": 0, "no_address": 0}
    now = timezone.now()
    with transaction.atomic():
        for row in not_yet_noticed(incident, Channel.LETTER):
            has_address = bool(postal_lines(row.subject_id))
            Notice.objects.create(
                incident=incident,
                subject_id=row.subject_id,
                channel=Channel.LETTER,
                status=NoticeStatus.SENT if has_address else NoticeStatus.NO_ADDRESS,
                sent_at=now if has_address else None,
            )
            counts["made" if has_address else "no_address"] += 1
        start_notifying(incident)
        audit_notices(incident, actor, Channel.LETTER, counts)
    return counts


def letter_for(incident: Incident, subject_id: uuid.UUID, categories: Iterable[str]) -> Letter:
    contact = directory().contact(subject_id)
    name = contact.name if contact is not None else ""
    return Letter(name, tuple(postal_lines(subject_id)), notice_text(incident, categories))


def letters_for(incident: Incident, notices: Iterable[Notice]) -> list[Letter]:
    """The letters of the given letter notices that have an address, in their order."""
    ids = [n.subject_id for n in notices if n.status == NoticeStatus.SENT]
    categories = dict(
        incident.affected.filter(subject_id__in=ids).values_list("subject", "categories")
    )
    return [letter_for(incident, i, categories.get(i, [])) for i in ids]


def render_letters(letters: list[Letter], *, today: dt.date | None = None) -> bytes:
    """One PDF, a page per letter (a single letter is a one-page PDF)."""
    profile = current_profile()
    html = render_to_string(
        "incidents/letters.html",
        {
            "letters": letters,
            "sender": profile.operator_name,
            "sender_lines": [line.strip() for line in profile.operator_address.split(",")],
            "date": formats.date_format(today or timezone.localdate(), "j F Y"),
        },
    )
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=_NoFetching()).write_pdf()
    return pdf
