"""A subject's rows in every declared model, read through the inventory alone (GDPR Art. 15).

For each installed model whose declaration has a subject path, one query fetches the rows that
path leads from the subject to: its own rows (``subject``) and the rows it reaches through a
relation (``user__subject``), or its account's rows (``customer__people__subject``), each once.
Every declared personal field is given in clear; restricted fields (of a restricted category,
or vault fields sealed restricted) are read through ``reveal()`` for the subject themselves, so
each is audited; credentials (hashes, secrets) and fields declared ``shown=False`` (a
processor's token) are said to be held but never shown; a value whose key was destroyed is said
to be erased. Fields declared not personal are given only as context that can hold no secret:
the row's id, dates, flags and choices from a fixed list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypedDict

from django.apps import apps
from django.db import models

from clientvault.privacy import vault
from clientvault.privacy.actors import Actor, SubjectActor
from clientvault.privacy.inventory import (
    Declaration,
    FieldSpec,
    Personal,
    registry,
    told_to_subject,
)
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.taxonomy import SUBJECT_ACCESS, category_label

CREDENTIALS = "user.authorization.credentials"

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None
State = Literal["shown", "erased", "not_shown", "withheld"]
Column: TypeAlias = tuple["models.Field[Any, Any]", FieldSpec]


class Cell(TypedDict):
    """One value: ``shown`` (``value`` holds it), ``erased`` (its key was destroyed),
    ``not_shown`` (a credential or another secret: held, never given) or ``withheld`` (another
    person's)."""

    state: State
    value: JSONValue


class FieldInfo(TypedDict):
    name: str
    label: str
    personal: bool
    category: str
    category_label: str
    restricted: bool


class Row(TypedDict):
    id: str
    cells: dict[str, Cell]


class Records(TypedDict):
    model: str
    title: str
    description: str
    fields: list[FieldInfo]
    rows: list[Row]


@dataclass
class Gathered:
    """The records, and the declared fields (model, field) the subject has a value in.

    ``withhold`` names categories left out of this copy (given as ``withheld``, never read):
    what an authorised agent may not receive, such as the content of communications.
    """

    records: list[Records] = field(default_factory=list)
    held: set[tuple[str, str]] = field(default_factory=set)
    withhold: frozenset[str] = frozenset()
    # Who reads restricted values, and why: the subject for their own copy, or the staff member
    # releasing a copy to a recipient the disclosure register accepted (legal_obligation).
    reader: Actor | None = None
    purpose: str = SUBJECT_ACCESS


def as_json_value(value: object) -> JSONValue:
    """A model value as JSON: dates in ISO 8601, ids and addresses as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [as_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_json_value(item) for key, item in value.items()}
    return str(value)


def _is_context(model_field: models.Field[Any, Any]) -> bool:
    """A not-personal column that helps read the rows and can hold no secret."""
    if model_field.primary_key or model_field.choices:
        return True
    return isinstance(model_field, models.DateField | models.BooleanField)


def _columns(declaration: Declaration) -> list[Column]:
    """The declared columns the export gives, in their declared order."""
    meta = declaration.model._meta
    found: list[Column] = []
    for name, spec in declaration.fields.items():
        model_field = meta.get_field(name)
        if not isinstance(model_field, models.Field) or not model_field.concrete:
            continue
        if isinstance(spec, Personal) or _is_context(model_field):
            found.append((model_field, spec))
    return found


def _restricted(model_field: Any, spec: FieldSpec) -> bool:
    """Read only through ``reveal()``: a restricted category, or a vault field sealed restricted
    whatever its category (a payer's name and billing address on a payment method)."""
    if not isinstance(spec, Personal):
        return False
    return spec.restricted or bool(getattr(model_field, "restricted", False))


def _field_info(model_field: models.Field[Any, Any], spec: FieldSpec) -> FieldInfo:
    category = spec.category if isinstance(spec, Personal) else ""
    return FieldInfo(
        name=model_field.name,
        label=str(model_field.verbose_name),
        personal=isinstance(spec, Personal),
        category=category,
        category_label=category_label(category) if category else "",
        restricted=_restricted(model_field, spec),
    )


def _path_joins(model: type[models.Model], path: str) -> tuple[str, bool]:
    """The forward foreign keys a subject path starts with (to select with the rows), and
    whether it crosses a relation that leads to many rows (so a row could match twice)."""
    forward: list[str] = []
    many = False
    current: Any = model
    for hop in path.split("__")[:-1]:
        relation = current._meta.get_field(hop)
        many = many or bool(relation.one_to_many or relation.many_to_many)
        if not many:
            forward.append(hop)
        current = relation.related_model
    return "__".join(forward), many


def _rows_of(
    declaration: Declaration, subject_id: uuid.UUID, *, subject_copy: bool
) -> list[models.Model]:
    """One query: the rows the declaration's subject path leads to from the subject, each once."""
    model = declaration.model
    path = declaration.subject or "pk"  # only declarations with a path get here
    joins, many = _path_joins(model, path)
    manager = model._base_manager
    rows = manager.filter(**{path: subject_id})
    if many:
        rows = manager.filter(pk__in=rows.values("pk"))
    if subject_copy:
        rows = told_to_subject(declaration, rows)
    meta = model._meta
    fields = declaration.personal_fields()
    if joins and any(_restricted(meta.get_field(name), spec) for name, spec in fields):
        rows = rows.select_related(joins)  # reveal() follows the path to the row's subject
    return list(rows.order_by("pk"))


def _stored(row: models.Model, model_field: models.Field[Any, Any]) -> Any:
    """The value as loaded, without opening the vault."""
    return row.__dict__.get(model_field.attname)


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _shown(value: object) -> Cell:
    if isinstance(value, vault.Erased):
        return Cell(state="erased", value=None)
    return Cell(state="shown", value=as_json_value(value))


def _revealed(row: models.Model, name: str, subject_id: uuid.UUID, into: Gathered) -> Cell:
    reader = into.reader if into.reader is not None else SubjectActor(subject_id)
    try:
        return _shown(reveal(row, name, into.purpose, reader))
    except RevealDenied:
        return Cell(state="withheld", value=None)  # sealed for another person of the account


def _cell(row: models.Model, column: Column, subject_id: uuid.UUID, into: Gathered) -> Cell:
    model_field, spec = column
    personal = spec if isinstance(spec, Personal) else None
    if personal is not None and (personal.category == CREDENTIALS or not personal.shown):
        return Cell(state="not_shown", value=None)
    if personal is not None and personal.category in into.withhold:
        return Cell(state="withheld", value=None)
    if _restricted(model_field, spec) and not _is_empty(_stored(row, model_field)):
        return _revealed(row, model_field.name, subject_id, into)
    return _shown(getattr(row, model_field.attname))


def _row(row: models.Model, columns: list[Column], subject_id: uuid.UUID, into: Gathered) -> Row:
    cells = {column[0].name: _cell(row, column, subject_id, into) for column in columns}
    return Row(id=str(row.pk), cells=cells)


def _held(label: str, rows: list[models.Model], columns: list[Column]) -> set[tuple[str, str]]:
    """The personal fields these rows hold a value in (an erased value was held too)."""
    return {
        (label, model_field.name)
        for model_field, spec in columns
        if isinstance(spec, Personal)
        and any(not _is_empty(_stored(row, model_field)) for row in rows)
    }


def _given(columns: list[Column], withhold: frozenset[str]) -> list[Column]:
    """The columns a copy gives: all but those of withheld categories."""
    return [c for c in columns if not (isinstance(c[1], Personal) and c[1].category in withhold)]


def _records(declaration: Declaration, subject_id: uuid.UUID, into: Gathered) -> None:
    columns = _columns(declaration)
    rows = _rows_of(declaration, subject_id, subject_copy=into.purpose == SUBJECT_ACCESS)
    given = [
        c for c in columns if not (isinstance(c[1], Personal) and c[1].category in into.withhold)
    ]
    into.held |= _held(declaration.label, rows, given)
    into.records.append(
        Records(
            model=declaration.label,
            title=str(declaration.model._meta.verbose_name_plural).capitalize(),
            description=declaration.description,
            fields=[_field_info(*column) for column in columns],
            rows=[_row(row, columns, subject_id, into) for row in rows],
        )
    )


def exportable(skip: Iterable[str] = ()) -> list[Declaration]:
    """Declarations of installed models with a subject path, by label, but those in ``skip``."""
    installed = {model._meta.label for model in apps.get_models()}
    left_out = set(skip)
    return [
        declaration
        for declaration in registry
        if declaration.subject
        and declaration.label in installed
        and declaration.label not in left_out
    ]


def gather_records(
    *,
    subject_id: uuid.UUID,
    skip: Iterable[str] = (),
    withhold: Iterable[str] = (),
    reader: Actor | None = None,
    purpose: str = SUBJECT_ACCESS,
) -> Gathered:
    """The subject's rows in every exportable model (one query each), and what they hold.

    Restricted values are revealed for ``purpose`` by ``reader`` (the subject by default)."""
    gathered = Gathered(withhold=frozenset(withhold), reader=reader, purpose=purpose)
    for declaration in exportable(skip):
        _records(declaration, subject_id, gathered)
    return gathered
