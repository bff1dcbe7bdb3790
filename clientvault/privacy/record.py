"""The record of processing activities (GDPR Art. 30), built from the profile and the inventory.

It names the controller (Art. 30(1)(a)), the categories of data subjects (c), of personal data
with their purposes, recipients, transfers and retention (b-f), and the security measures (g),
each derived from the profile, the declarations and the code rather than written by hand.

``build_record()`` returns plain dicts (JSON-ready) so that the command and the public privacy
page state the same thing; ``render_markdown()`` turns one into readable Markdown tables.
"""

from __future__ import annotations

from typing import TypedDict

from django.apps import apps
from django.db import models

from clientvault.privacy.inventory import Declaration, Erasure, Personal, registry
from clientvault.privacy.measures import Measure, security_measures
from clientvault.privacy.models.disclosure import RecipientKind
from clientvault.privacy.profile import Profile, current_profile
from clientvault.privacy.taxonomy import CATEGORIES, DataSubject, Purpose, category_label

WHILE_OPEN = "while the account is open"
PARTNER_CONDITIONS = {"opt-in": "only with your consent", "opt-out": "unless you opt out"}
CUSTOMER_ROLE = "customer"  # the role of every signed-in user who is not staff (actor_roles)


class Controller(TypedDict):
    name: str
    address: str
    privacy_contact: str
    website: str


class Storage(TypedDict):
    country: str
    transfers_outside_eea: bool
    safeguards: list[str]
    transfer_reasons: list[str]


class Choice(TypedDict):
    key: str
    label: str


class Recipient(TypedDict):
    kind: str
    label: str
    condition: str


class Retention(TypedDict):
    period: str | None
    days: int | None
    text: str


class Holding(TypedDict):
    model: str
    field: str
    description: str
    purposes: list[str]
    erasure: str
    legal_basis: str
    retention: Retention
    storage: str


class Category(TypedDict):
    key: str
    label: str
    restricted: bool
    held_in: list[Holding]
    purposes: list[Choice]
    recipients: list[Recipient]
    retention: list[str]
    erasure: list[Choice]
    storage: list[str]
    transfer_safeguards: list[str]


class Exclusion(TypedDict):
    model: str
    reason: str


class SubjectCategory(TypedDict):
    key: str
    label: str
    roles: list[str]


class Record(TypedDict):
    controller: Controller
    data_subjects: list[SubjectCategory]
    storage: Storage
    categories: list[Category]
    security_measures: list[Measure]
    excluded: list[Exclusion]


def build_record(*, profile: Profile | None = None) -> Record:
    """The record of processing for the installed models, as JSON-ready dicts."""
    profile = profile or current_profile()
    installed = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    holdings: dict[str, list[Holding]] = {}
    for declaration in registry:
        if declaration.label in installed:
            for name, spec in declaration.personal_fields():
                holding = _holding(declaration, name, spec, profile)
                holdings.setdefault(spec.category, []).append(holding)
    return Record(
        controller=_controller(profile),
        data_subjects=_data_subjects(profile, installed),
        storage=_storage(profile),
        categories=[
            _category(key, holdings[key], profile) for key in CATEGORIES if key in holdings
        ],
        security_measures=security_measures(profile),
        excluded=[
            Exclusion(model=label, reason=reason)
            for label, reason in sorted(registry.exclusions.items())
            if label in installed
        ],
    )


def _controller(profile: Profile) -> Controller:
    return Controller(
        name=profile.operator_name,
        address=profile.operator_address,
        privacy_contact=profile.privacy_contact,
        website=profile.website,
    )


def _data_subjects(profile: Profile, installed: set[str]) -> list[SubjectCategory]:
    """Who the data is about: those who sign in (by profile role), and people not yet known."""
    customer = [CUSTOMER_ROLE] if CUSTOMER_ROLE in profile.roles else []
    roles = {
        DataSubject.CUSTOMER: customer,
        DataSubject.AUTHORISED_USER: customer,  # they sign in as customers of the account
        DataSubject.STAFF: profile.staff_roles,
    }
    found = [SubjectCategory(key=k.value, label=k.label, roles=r) for k, r in roles.items() if r]
    if _personal_data_without_subject(installed):
        found.append(
            SubjectCategory(
                key=DataSubject.VISITOR.value, label=DataSubject.VISITOR.label, roles=[]
            )
        )
    return found


def _personal_data_without_subject(installed: set[str]) -> bool:
    return any(
        d.subject is None and any(True for _ in d.personal_fields())
        for d in registry
        if d.label in installed
    )


def _storage(profile: Profile) -> Storage:
    return Storage(
        country=profile.storage_country,
        transfers_outside_eea=profile.transfers_outside_eea,
        safeguards=list(profile.transfer_safeguards),
        transfer_reasons=list(profile.transfer_reasons),
    )


def _holding(declaration: Declaration, name: str, spec: Personal, profile: Profile) -> Holding:
    return Holding(
        model=declaration.label,
        field=name,
        description=declaration.description,
        purposes=list(spec.purposes),
        erasure=spec.erasure.value,
        legal_basis=spec.legal_basis,
        retention=_retention(declaration, spec, profile),
        storage=f"{declaration.storage}, {profile.storage_country}",
    )


def _retention(declaration: Declaration, spec: Personal, profile: Profile) -> Retention:
    rule = declaration.retention
    if rule is not None:
        days = profile.retention.get(rule.period)
        age = _verbose(declaration, rule.age_field)
        text = f"deleted {_span(days)} after {age}"
        return Retention(period=rule.period, days=days, text=text)
    if spec.retention is not None:
        days = profile.retention.get(spec.retention)
        if spec.erasure == Erasure.RETAIN:
            text = f"kept {_span(days)} for a legal reason, then deleted"
        else:
            text = _span(days)
        return Retention(period=spec.retention, days=days, text=text)
    return Retention(period=None, days=None, text=WHILE_OPEN)


# How a row's age field reads in "deleted 2 years after …", where its own name reads poorly.
_AGE_WORDS = {"at": "it was recorded", "expires at": "it expired", "expire date": "it expired"}


def _verbose(declaration: Declaration, name: str) -> str:
    field = declaration.model._meta.get_field(name)
    words = str(field.verbose_name).lower() if isinstance(field, models.Field) else name
    return _AGE_WORDS.get(words, f"it was {words.removesuffix(' at')}")


def _span(days: int | None) -> str:
    """A period as people say it: "2 years", "30 days"."""
    if days is None:
        return "for a period the profile does not set"
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def _category(key: str, held_in: list[Holding], profile: Profile) -> Category:
    purposes = {p for h in held_in for p in h["purposes"]}
    strategies = {h["erasure"] for h in held_in}
    safeguards = list(profile.transfer_safeguards) if profile.transfers_outside_eea else []
    return Category(
        key=key,
        label=category_label(key),
        restricted=CATEGORIES[key][1],
        held_in=held_in,
        purposes=[Choice(key=p.value, label=p.label) for p in Purpose if p.value in purposes],
        recipients=_recipients(key, held_in, profile),
        retention=sorted({h["retention"]["text"] for h in held_in}),
        erasure=[Choice(key=e.value, label=e.label) for e in Erasure if e.value in strategies],
        storage=sorted({h["storage"] for h in held_in}),
        transfer_safeguards=safeguards,
    )


def _recipients(key: str, held_in: list[Holding], profile: Profile) -> list[Recipient]:
    found = []
    if key in profile.registrar_categories:
        found.append(_recipient(RecipientKind.REGISTRAR, "needed to register your domains"))
    if key in profile.processor_categories:
        found.append(_recipient(RecipientKind.PAYMENT_PROCESSOR, "needed to take payments"))
    if profile.partners in PARTNER_CONDITIONS and key in profile.partner_categories:
        found.append(_recipient(RecipientKind.PARTNER, PARTNER_CONDITIONS[profile.partners]))
    if profile.affiliates_need_to_know:
        found.append(_recipient(RecipientKind.AFFILIATE, "only what they need to know"))
    declared = {r for h in held_in for r in _declared_recipients(h)}
    found += [Recipient(kind="declared", label=r, condition="") for r in sorted(declared)]
    return found


def _recipient(kind: RecipientKind, condition: str) -> Recipient:
    return Recipient(kind=kind.value, label=str(kind.label), condition=condition)


def _declared_recipients(holding: Holding) -> tuple[str, ...]:
    declaration = registry.get(holding["model"])
    spec = declaration.fields.get(holding["field"]) if declaration else None
    return spec.recipients if isinstance(spec, Personal) else ()


# ---------------------------------------------------------------------------------- Markdown


def _cell(value: object) -> str:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") or "-"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _labels(choices: list[Choice]) -> list[str]:
    return [c["label"] for c in choices]


def _recipient_text(recipient: Recipient) -> str:
    condition = recipient["condition"]
    return f"{recipient['label']} ({condition})" if condition else recipient["label"]


def _head(record: Record) -> list[str]:
    c, s = record["controller"], record["storage"]
    lines = ["# Record of processing activities", "", "## Controller", ""]
    lines += _table(
        ["", ""],
        [
            ["Name", c["name"]],
            ["Address", c["address"]],
            ["Privacy contact", c["privacy_contact"]],
            ["Website", c["website"]],
        ],
    )
    lines += ["## Storage and transfers", ""]
    return lines + _table(
        ["", ""],
        [
            ["Storage country", s["country"]],
            ["Transfers outside the EEA", "yes" if s["transfers_outside_eea"] else "no"],
            ["Safeguards", s["safeguards"]],
            ["Reasons for transfers", s["transfer_reasons"]],
        ],
    )


def _categories_table(record: Record) -> list[str]:
    header = ["Category", "Purposes", "Recipients", "Retention", "Erasure", "Storage", "Safeguards"]
    rows: list[list[object]] = [
        [
            f"{c['label']} (`{c['key']}`)",
            _labels(c["purposes"]),
            [_recipient_text(r) for r in c["recipients"]],
            c["retention"],
            _labels(c["erasure"]),
            c["storage"],
            c["transfer_safeguards"],
        ]
        for c in record["categories"]
    ]
    return ["## Categories of personal data", "", *_table(header, rows)]


def _holdings_table(record: Record) -> list[str]:
    header = ["Category", "Field", "Purposes", "Erasure", "Legal basis", "Retention", "Storage"]
    rows: list[list[object]] = [
        [
            f"`{c['key']}`",
            f"`{h['model']}.{h['field']}`",
            h["purposes"],
            h["erasure"],
            h["legal_basis"],
            h["retention"]["text"],
            h["storage"],
        ]
        for c in record["categories"]
        for h in c["held_in"]
    ]
    return ["## Where each category is held", "", *_table(header, rows)]


def _subjects_table(record: Record) -> list[str]:
    rows: list[list[object]] = [
        [s["label"], s["roles"] or "does not sign in"] for s in record["data_subjects"]
    ]
    return ["## Categories of data subjects", "", *_table(["Data subjects", "Roles"], rows)]


def _measures_table(record: Record) -> list[str]:
    rows: list[list[object]] = [[m["label"], m["detail"]] for m in record["security_measures"]]
    header = ["Measure", "How it is done"]
    return ["## Technical and organisational security measures", "", *_table(header, rows)]


def render_markdown(record: Record) -> str:
    """The record as Markdown: controller, subjects, transfers, data, measures, what is left out."""
    excluded: list[list[object]] = [[f"`{e['model']}`", e["reason"]] for e in record["excluded"]]
    lines = _head(record) + _subjects_table(record) + _categories_table(record)
    lines += _holdings_table(record) + _measures_table(record)
    lines += ["## Models left out of the inventory", "", *_table(["Model", "Reason"], excluded)]
    return "\n".join(lines).rstrip() + "\n"
