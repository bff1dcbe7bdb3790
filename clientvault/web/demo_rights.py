"""The demo's privacy requests: one of each state the privacy officer's queue shows.

- Carol asked for a copy of her data in her customer area, typed her password, and the copy was
  made: a completed request whose ZIP, PDF and JSON download from her request page.
- Carol then asked to erase her data: an erasure needs a code sent to her address on record,
  and she has not typed it yet (awaiting verification).
- Omar asked 40 days ago to correct his employer's name; he was verified, and the correction
  waits for staff approval, past its one-month deadline (overdue).
- An authorised agent asked through the public form for a copy of Kai's data, with his signed
  permission (a small PDF); the code went to Kai, who has not typed it yet.

Everything goes through the rights services, as the pages would; only the overdue request's
dates (received, due, verified, and its history's) are moved back afterwards. Idempotent: each
request is looked for first, by its person and kind, so running the demo again adds nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Person
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.directory import Contact, directory
from clientvault.rights.deadlines import due_date
from clientvault.rights.models import Kind, RequestEvent, RightsRequest
from clientvault.rights.services.intake import Upload, ask_as_customer, ask_publicly
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.verification import send_code, verify_signed_in
from clientvault.rights.services.work import fulfil_request

PUBLIC = SystemActor("public_form")
OVERDUE_DAYS = 40
AGENT = Contact(name="Lena Vogel", email="lena.vogel@verbraucherhilfe.example")
CORRECTION = Ask(
    kind=Kind.CORRECTION,
    field="accounts.Person.employer",
    new_value="Orbit Analytics Limited",
    note="Our company's registered name is Orbit Analytics Limited, not Ltd.",
)


def _person(email: str) -> Person:
    found = find_person_by_email(email)
    if found is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return found


def _asked(person: Person, kind: str, *, agent: bool = False) -> bool:
    made = RightsRequest.objects.filter(subject_id=person.subject_id, kind=kind, is_agent=agent)
    return made.exists()


def _ask_signed_in(person: Person, ask: Ask) -> RightsRequest:
    identity = directory().identify(person.user)
    assert identity is not None, "a demo customer has an account"
    return ask_as_customer(identity=identity, ask=ask, actor=person.user)  # type: ignore[arg-type]


def _completed_copy(carol: Person) -> None:
    made = _ask_signed_in(carol, Ask(kind=Kind.ACCESS))
    verify_signed_in(request=made, actor=carol.user)  # type: ignore[arg-type]
    fulfil_request.call(request_id=str(made.pk))  # the worker's job, done now


def _pending_erasure(carol: Person) -> None:
    made = _ask_signed_in(carol, Ask(kind=Kind.ERASURE, note="I am moving to another host."))
    send_code(request=made)


def _overdue_correction(omar: Person) -> None:
    made = _ask_signed_in(omar, CORRECTION)
    verify_signed_in(request=made, actor=omar.user)  # type: ignore[arg-type]
    shift = datetime.timedelta(days=OVERDUE_DAYS)
    received = made.received_at - shift
    RightsRequest.objects.filter(pk=made.pk).update(
        received_at=received,
        due_on=due_date(timezone.localdate(received)),
        verified_at=made.verified_at - shift if made.verified_at else None,
    )
    for event in RequestEvent.objects.filter(request=made):
        RequestEvent.objects.filter(pk=event.pk).update(at=event.at - shift)


def permission_pdf(person: str, agent: str) -> bytes:
    """A one-page PDF saying the person authorises the agent (the demo's signed permission)."""
    text = f"I, {person}, authorise {agent} to ask for a copy of my personal data."
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _agent_request(kai: Person) -> None:
    ask_publicly(
        ask=Ask(kind=Kind.ACCESS),
        person=Contact(name=kai.display_name, email=str(kai.email)),
        actor=PUBLIC,
        agent=AGENT,
        permission=Upload(name="permission.pdf", content=permission_pdf("Kai Mueller", AGENT.name)),
    )


def load_rights() -> None:
    """The four demo requests, each made once."""
    carol = _person("carol@example.com")
    omar = _person("omar@orbit-analytics.example")
    kai = _person("kai.mueller@example.de")
    if not _asked(carol, Kind.ACCESS):
        _completed_copy(carol)
    if not _asked(carol, Kind.ERASURE):
        _pending_erasure(carol)
    if not _asked(omar, Kind.CORRECTION):
        _overdue_correction(omar)
    if not _asked(kai, Kind.ACCESS, agent=True):
        _agent_request(kai)


def rights_lines() -> list[str]:
    """The demo's privacy requests, for ``clientvault demo --logins``."""
    found = RightsRequest.objects.exclude(subject=None).order_by("received_at")
    if not found.exists():
        return []
    queue = settings.CLIENTVAULT_SITE_URL + reverse("rights:privacy_queue")
    lines = [f"Privacy requests, in the privacy officer's queue at {queue}:"]
    today = timezone.localdate()
    for made in found:
        agent = ", by an agent" if made.is_agent else ""
        state = made.get_status_display().lower()
        late = ", overdue" if made.is_open and made.deadline < today else ""
        contact = directory().contact(made.subject_id) if made.subject_id else None
        whose = f" for {contact.name}" if contact else ""
        what = f"{made.get_kind_display()}{whose}{agent}"
        lines.append(f"  {made.reference}  {what}: {state}{late}")
    return lines
