"""The right of access (GDPR Art. 15): everything held about one subject, from the inventory.

:func:`export_subject` gathers, for one subject, the rows of every declared model its subject
path leads to (:mod:`clientvault.privacy.services.export_records`), their consent history and
policy acceptances, who received their data (the disclosure register; a notice a court order
defers stays hidden), which staff roles viewed it and when (never who), and, for each data
category they have data in, its purposes, retention, legal basis and recipients from the record
of processing (Art. 15(1)(a)-(d)). The kernel's own registers are given as those sections rather
than as raw rows: the raw audit log would name staff and show deferred disclosures.

The number of queries depends on the inventory and on how much the subject has, never on how
many other people the database holds. The export is audited (``subject.exported``), and so is
each restricted value it reveals. ``clientvault.privacy.export_formats`` turns it into JSON, a
ZIP of CSV files or a PDF; ``docs/export-schema.json`` is the JSON's schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypedDict

from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import (
    AuditEvent,
    ConsentRecord,
    Disclosure,
    PolicyAcceptance,
    Subject,
)
from clientvault.privacy.record import Category, Controller, Recipient, build_record
from clientvault.privacy.services.access import VIEW, accesses_to
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.consent import consent_history
from clientvault.privacy.services.disclosures import disclosures_visible_to
from clientvault.privacy.services.export_records import (
    Cell,
    FieldInfo,
    Records,
    Row,
    gather_records,
)
from clientvault.privacy.taxonomy import CATEGORIES, SUBJECT_ACCESS, Purpose, category_label

SCHEMA_VERSION = "1"
# Kernel models given as their own sections (or, for the key, not at all: key material).
SECTIONS = {
    "privacy.Subject": "subject",
    "privacy.SubjectKey": "subject",
    "privacy.ConsentRecord": "consents",
    "privacy.PolicyAcceptance": "policy_acceptances",
    "privacy.Disclosure": "disclosures",
    "privacy.AuditEvent": "accesses",
}
NOT_STAFF_ROLES = ("", "customer", "system")
# Never in a recipient's copy: credentials, and the register of legal process itself (other
# authorities' cases and holds, earlier packages), whatever a release names.
NEVER_TO_RECIPIENTS = frozenset({"user.legal", "user.authorization.credentials"})

__all__ = [
    "Cell",
    "FieldInfo",
    "Records",
    "Row",
    "SubjectExport",
    "export_for_recipient",
    "export_subject",
]


class SubjectRef(TypedDict):
    reference: str
    created_at: str
    erased: bool
    erased_at: str | None


class CategoryInfo(TypedDict):
    key: str
    label: str
    purposes: list[str]
    retention: list[str]
    legal_basis: list[str]
    recipients: list[str]


class ConsentEntry(TypedDict):
    purpose: str
    purpose_label: str
    granted: bool
    source: str
    source_label: str
    at: str
    reference: str


class AcceptanceEntry(TypedDict):
    version: int
    effective_date: str
    channel: str
    channel_label: str
    at: str


class DisclosureEntry(TypedDict):
    recipient_kind: str
    recipient_kind_label: str
    recipient: str
    categories: list[str]
    category_labels: list[str]
    ground: str
    ground_label: str
    at: str


class AccessEntry(TypedDict):
    at: str
    role: str
    action: str
    what: str
    purpose: str


class SubjectExport(TypedDict):
    schema_version: str
    generated_at: str
    subject: SubjectRef
    controller: Controller
    categories: list[CategoryInfo]
    records: list[Records]
    consents: list[ConsentEntry]
    policy_acceptances: list[AcceptanceEntry]
    disclosures: list[DisclosureEntry]
    accesses: list[AccessEntry]


def _subject_ref(subject: Subject) -> SubjectRef:
    return SubjectRef(
        reference=subject.reference,
        created_at=subject.created_at.isoformat(),
        erased=subject.is_erased,
        erased_at=subject.erased_at.isoformat() if subject.erased_at else None,
    )


def _consent(record: ConsentRecord) -> ConsentEntry:
    return ConsentEntry(
        purpose=record.purpose,
        purpose_label=record.get_purpose_display(),
        granted=record.granted,
        source=record.source,
        source_label=record.get_source_display(),
        at=record.at.isoformat(),
        reference=record.reference,
    )


def _acceptances(subject: Subject) -> list[AcceptanceEntry]:
    accepted = PolicyAcceptance.objects.filter(subject=subject).select_related("version")
    return [
        AcceptanceEntry(
            version=acceptance.version.number,
            effective_date=acceptance.version.effective_date.isoformat(),
            channel=acceptance.channel,
            channel_label=acceptance.get_channel_display(),
            at=acceptance.at.isoformat(),
        )
        for acceptance in accepted.order_by("at", "id")
    ]


def _disclosure(disclosure: Disclosure) -> DisclosureEntry:
    categories = [str(c) for c in disclosure.categories]
    return DisclosureEntry(
        recipient_kind=disclosure.recipient_kind,
        recipient_kind_label=disclosure.get_recipient_kind_display(),
        recipient=disclosure.recipient,
        categories=categories,
        category_labels=[category_label(c) if c in CATEGORIES else c for c in categories],
        ground=disclosure.ground,
        ground_label=disclosure.get_ground_display(),
        at=disclosure.at.isoformat(),
    )


def _disclosures(subject: Subject) -> list[DisclosureEntry]:
    """Who received the data, as the subject may see it today (a deferred notice is hidden)."""
    visible = disclosures_visible_to(subject=subject, today=timezone.localdate())
    return [_disclosure(disclosure) for disclosure in visible]


def _access(event: AuditEvent) -> AccessEntry:
    details = event.details if isinstance(event.details, dict) else {}
    what = details.get("what") or ".".join(
        str(details[key]) for key in ("model", "field") if key in details
    )
    return AccessEntry(
        at=event.at.isoformat(),
        role=event.actor_role,
        action="viewed" if event.action == VIEW else "revealed",
        what=str(what),
        purpose=event.purpose,
    )


def _staff_accesses(subject_id: uuid.UUID) -> list[AccessEntry]:
    """Views and reveals by staff, by role; the subject's own and the system's are left out.

    While a court order defers the subject's notice of a disclosure, the reads made for the
    legal obligation (the legal team preparing and packaging the release) are left out too:
    they would tell what the order forbids telling. They appear once no notice is deferred.
    """
    events = accesses_to(subject_id=subject_id).exclude(actor_role__in=NOT_STAFF_ROLES)
    deferred = Disclosure.objects.filter(
        subject_id=subject_id, notice_deferred_until__gt=timezone.localdate()
    )
    if deferred.exists():
        events = events.exclude(purpose=Purpose.LEGAL_OBLIGATION)
    return [_access(event) for event in events.only("at", "actor_role", "action", "purpose")]


def _recipient_text(recipient: Recipient) -> str:
    condition = recipient["condition"]
    return f"{recipient['label']} ({condition})" if condition else recipient["label"]


def _category(category: Category, held: set[tuple[str, str]]) -> CategoryInfo:
    """What the record of processing says of a category, narrowed to the fields held."""
    holdings = [h for h in category["held_in"] if (h["model"], h["field"]) in held]
    purposes = {p for h in holdings for p in h["purposes"]}
    return CategoryInfo(
        key=category["key"],
        label=category["label"],
        purposes=[p.label for p in Purpose if p.value in purposes],
        retention=sorted({h["retention"]["text"] for h in holdings}),
        legal_basis=sorted({h["legal_basis"] for h in holdings if h["legal_basis"]}),
        recipients=[_recipient_text(r) for r in category["recipients"]],
    )


def _categories(record: list[Category], held: set[tuple[str, str]]) -> list[CategoryInfo]:
    """Art. 15(1)(a)-(d) for each category the subject has data in, in the taxonomy's order."""
    return [
        _category(category, held)
        for category in record
        if any((h["model"], h["field"]) in held for h in category["held_in"])
    ]


def _sections_held(export: SubjectExport) -> set[tuple[str, str]]:
    """The kernel registers' personal fields, when the subject has entries in them."""
    present = {
        "privacy.ConsentRecord": export["consents"],
        "privacy.PolicyAcceptance": export["policy_acceptances"],
        "privacy.Disclosure": export["disclosures"],
    }
    return {
        (label, name)
        for label, entries in present.items()
        if entries and (declaration := registry.get(label)) is not None
        for name, _spec in declaration.personal_fields()
    }


def _gather(subject: Subject, withhold: Iterable[str] = ()) -> SubjectExport:
    generated_at = timezone.now().isoformat()
    accesses = _staff_accesses(subject.id)  # before this export's own reveals are logged
    gathered = gather_records(subject_id=subject.id, skip=SECTIONS, withhold=withhold)
    record = build_record()
    export = SubjectExport(
        schema_version=SCHEMA_VERSION,
        generated_at=generated_at,
        subject=_subject_ref(subject),
        controller=record["controller"],
        categories=[],
        records=gathered.records,
        consents=[_consent(c) for c in consent_history(subject=subject)],
        policy_acceptances=_acceptances(subject),
        disclosures=_disclosures(subject),
        accesses=accesses,
    )
    held = gathered.held | _sections_held(export)
    export["categories"] = _categories(record["categories"], held)
    return export


def export_subject(
    *, subject_id: uuid.UUID, actor: Actor | None, withhold: Iterable[str] = ()
) -> SubjectExport:
    """Everything held about the subject, for the right of access; audited as made by ``actor``.

    Raises ``Subject.DoesNotExist`` for an unknown id. An erased subject's values read as erased.
    Fields of the ``withhold`` categories are given as withheld, never read (an agent's copy).
    """
    subject = Subject.objects.get(pk=subject_id)
    export = _gather(subject, withhold)
    record_event(
        action="subject.exported",
        actor=actor,
        subject_id=subject.id,
        purpose=SUBJECT_ACCESS,
        obj=subject,
        details={"models": len(export["records"])},
    )
    return export


def _narrowed(records: Records, given: frozenset[str]) -> Records | None:
    """The records with only the fields of ``given`` categories (and context); None when the
    subject has no row there or the model holds none of those categories."""
    fields = [f for f in records["fields"] if not f["personal"] or f["category"] in given]
    if not records["rows"] or not any(f["personal"] for f in fields):
        return None
    names = {f["name"] for f in fields}
    rows = [
        Row(id=row["id"], cells={k: v for k, v in row["cells"].items() if k in names})
        for row in records["rows"]
    ]
    return Records(
        model=records["model"],
        title=records["title"],
        description=records["description"],
        fields=fields,
        rows=rows,
    )


def export_for_recipient(
    *,
    subject_id: uuid.UUID,
    categories: Iterable[str],
    actor: Actor,
    purpose: str = Purpose.LEGAL_OBLIGATION,
) -> SubjectExport:
    """The subject's data in ``categories`` only, for a recipient the disclosure register has
    accepted (an authority's package): the same gathering as the subject's own copy, with every
    other category left out, never read, and none of the kernel's registers (consents,
    disclosures, who viewed the data). Restricted values are revealed by ``actor`` for
    ``purpose``, each audited; the export itself is audited as ``subject.disclosed``.
    """
    given = frozenset(categories) - NEVER_TO_RECIPIENTS
    subject = Subject.objects.get(pk=subject_id)
    withhold = [c for c in CATEGORIES if c not in given]
    gathered = gather_records(
        subject_id=subject.id, skip=SECTIONS, withhold=withhold, reader=actor, purpose=purpose
    )
    records = [n for r in gathered.records if (n := _narrowed(r, given)) is not None]
    record = build_record()
    held = {h for h in gathered.held if h[0] in {r["model"] for r in records}}
    export = SubjectExport(
        schema_version=SCHEMA_VERSION,
        generated_at=timezone.now().isoformat(),
        subject=_subject_ref(subject),
        controller=record["controller"],
        categories=[c for c in _categories(record["categories"], held) if c["key"] in given],
        records=records,
        consents=[],
        policy_acceptances=[],
        disclosures=[],
        accesses=[],
    )
    details = {"models": len(records), "categories": sorted(given)}
    record_event(
        action="subject.disclosed",
        actor=actor,
        subject_id=subject.id,
        purpose=purpose,
        obj=subject,
        details=details,
    )
    return export
