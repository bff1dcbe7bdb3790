# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Letters: one A4 page per person with a window-envelope address block, rendered for real."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from clientvault.accounts.models import Person
from clientvault.incidents.models import Channel, Notice, NoticeStatus
from clientvault.incidents.services.letters import letters_for, prepare_letters, render_letters
from clientvault.privacy.profile import current_profile
from tests.accounts.personas import customer, make_staff, outsider  # noqa: F401
from tests.incidents.helpers import compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
A4 = (595, 842)  # points


def pdf_text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def test_a_letter_per_person_with_their_address_in_the_window(customer, outsider):
    handler = make_staff("privacy_officer", username="handler")
    incident = scoped(handler, compromised([customer, outsider]))
    assert prepare_letters(incident=incident, actor=handler) == {"made": 2, "no_address": 0}

    notices = incident.notices.filter(channel=Channel.LETTER).order_by("id")
    reader, pages = pdf_text(render_letters(letters_for(incident, notices)))

    assert len(pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    text = "\n".join(pages)
    assert "Ada Lovelace" in text
    assert "12 Marylebone Road" in text
    assert "NW1 5LR London" in text
    assert "Unter den Linden 1" in text
    assert "10117 Berlin" in text
    assert current_profile().operator_name in text
    assert incident.reference in text
    assert "What you can do" in text


def test_no_postal_address_is_counted_never_invented(customer, outsider):
    Person.objects.filter(pk=outsider.pk).update(address_line1="", city="")
    handler = make_staff("privacy_officer", username="handler")
    incident = scoped(handler, compromised([customer, outsider]))
    assert prepare_letters(incident=incident, actor=handler) == {"made": 1, "no_address": 1}
    missing = Notice.objects.get(channel=Channel.LETTER, status=NoticeStatus.NO_ADDRESS)
    assert missing.subject_id == outsider.subject_id
    _, pages = pdf_text(render_letters(letters_for(incident, incident.notices.all())))
    assert len(pages) == 1
