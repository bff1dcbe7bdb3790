"""What erasing a subject means, model by model and field by field.

Every installed model declared with a path to its subject (and kept in the data database) is a
:class:`Target`. A target's rows for a subject are found with one query whatever the size of the
database (the path as a ``pk IN (subquery)``); a path that crosses a to-many relation (an
account's rows reach every person on it) makes the rows *shared*: they change only once every
subject they reach is erased, and until then they are reported as kept.

:func:`model_lines` turns a model's counts into the report's lines, the same for a plan and for
a real run, so a requester is told beforehand exactly what will be done.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast, Concat, Replace

from clientvault.privacy.inventory import HIDDEN_ROWS, Declaration, Erasure, Personal, registry
from clientvault.privacy.models import Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.taxonomy import category_label

ERASED = "erased"
KEPT = "kept"
SHARED = "shared with other people on the account"
PSEUDONYM_PREFIX = "erased-"


@dataclass(frozen=True)
class ErasureLine:
    """One field's outcome: erased or kept, how, where, on how many rows, and why kept."""

    category: str
    label: str
    outcome: str  # "erased" or "kept"
    strategy: str  # an inventory Erasure value
    where: str  # "app.Model.field"
    rows: int
    why: str = ""  # the legal basis, or the reason the rows were kept
    kept_until: datetime.date | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kept_until"] = self.kept_until.isoformat() if self.kept_until else None
        return data


@dataclass(frozen=True)
class ErasureReport:
    subject_id: uuid.UUID
    already_erased: bool
    lines: tuple[ErasureLine, ...]

    def erased(self) -> list[ErasureLine]:
        return [line for line in self.lines if line.outcome == ERASED]

    def kept(self) -> list[ErasureLine]:
        return [line for line in self.lines if line.outcome == KEPT]

    def as_json(self) -> dict[str, Any]:
        return {
            "subject_id": str(self.subject_id),
            "already_erased": self.already_erased,
            "lines": [line.as_json() for line in self.lines],
        }


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether following ``path`` from a row can reach more than one subject."""
    current: Any = model
    for part in path.split("__"):
        if part == "pk":
            return False
        found = current._meta.get_field(part)
        if found.one_to_many or found.many_to_many:
            return True
        if not found.is_relation:
            return False
        current = found.related_model
    return False


@dataclass(frozen=True)
class Target:
    declaration: Declaration
    model: type[models.Model]
    path: str
    shared_path: bool

    @property
    def label(self) -> str:
        return self.declaration.label

    @property
    def deletes(self) -> bool:
        """Whether the subject's rows go (every personal field is declared ``delete``)."""
        return all(spec.erasure == Erasure.DELETE for _, spec in self.declaration.personal_fields())

    def base(self) -> QuerySet[Any]:
        return self.model._base_manager.all()

    def rows(self, subject_id: uuid.UUID) -> QuerySet[Any]:
        """Every row that reaches the subject."""
        reach = self.base().filter(**{self.path: subject_id})
        if not self.shared_path:
            return reach
        return self.base().filter(pk__in=reach.values("pk"))

    def exclusive(self, subject_id: uuid.UUID) -> QuerySet[Any]:
        """The rows that reach no other subject still to be erased.

        Only the subject's own rows are looked at: the test for "another subject" follows the
        same join as the path (one ``filter`` call), so no query reads every row of the table
        or every subject (the cost stays that of the subject's rows as the database grows).
        """
        if not self.shared_path:
            return self.rows(subject_id)
        mine = self.rows(subject_id)
        shared = self.base().filter(pk__in=mine.values("pk")).filter(self._another(subject_id))
        return mine.exclude(pk__in=shared.values("pk"))

    def _another(self, subject_id: uuid.UUID) -> Q:
        """Reaches a subject other than ``subject_id`` that is not erased yet."""
        if _ends_at_subject(self.model, self.path):
            not_erased = Q(**{f"{self.path}__erased_at__isnull": True})
            other = Q(**{f"{self.path}__lt": subject_id}) | Q(**{f"{self.path}__gt": subject_id})
            return not_erased & other
        others = Subject.objects.filter(erased_at__isnull=True).exclude(pk=subject_id)
        return Q(**{f"{self.path}__in": others.values("pk")})


def _ends_at_subject(model: type[models.Model], path: str) -> bool:
    """Whether ``path`` ends in a relation to :class:`Subject` (not a bare id column)."""
    current: Any = model
    for part in path.split("__"):
        field = current._meta.get_field(part)
        current = field.related_model
        if current is None:
            return False
    return current is Subject


def _target(declaration: Declaration) -> Target | None:
    if not declaration.subject or not any(declaration.personal_fields()):
        return None
    try:
        model = declaration.model
    except LookupError:
        return None  # declared for an app that is not installed here
    if router.db_for_write(model) == KEYSTORE_ALIAS:
        return None  # the key store: shredding destroys the key itself
    path = declaration.subject
    return Target(declaration, model, path, _crosses_many(model, path))


def targets() -> list[Target]:
    """Every installed declared model whose rows lead to a subject: shared ones first (before a
    deletion elsewhere could cut the path that reaches them), then in label order."""
    found = [target for d in registry if (target := _target(d)) is not None]
    return sorted(found, key=lambda target: not target.shared_path)


@dataclass(frozen=True)
class ModelCount:
    target: Target
    rows: int  # rows that reach the subject (and may be told about)
    exclusive: int  # of which reach no one else still to be erased


def count_rows(target: Target, subject_id: uuid.UUID) -> ModelCount:
    hidden = HIDDEN_ROWS.get(target.label)
    rows = target.rows(subject_id)
    if hidden is not None:
        rows = rows.exclude(hidden)
    total = rows.count()
    if not total or not target.shared_path:
        return ModelCount(target, total, total)
    return ModelCount(target, total, target.exclusive(subject_id).count())


# -- what can be done to a field ---------------------------------------------------------------


def empty_value(field: Any) -> tuple[bool, Any]:
    """Whether the field can be emptied, and its empty value (None or "")."""
    if field.null:
        return True, None
    if field.empty_strings_allowed and not field.is_relation:
        return True, ""
    return False, None


def pseudonym() -> Any:
    """An expression naming no one: ``erased-`` and the row's id (its hex digits for a UUID)."""
    text = Cast("pk", output_field=models.CharField())
    return Concat(models.Value(PSEUDONYM_PREFIX), Replace(text, models.Value("-")))


def _can_pseudonymise(field: Any) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.is_relation


def unworkable(target: Target, name: str, spec: Personal) -> str:
    """Why the field's strategy cannot be applied to it, or ""."""
    field = target.model._meta.get_field(name)
    if spec.erasure == Erasure.PSEUDONYMISE and not _can_pseudonymise(field):
        return "kept: the field cannot hold a pseudonym"
    emptied = spec.erasure in (Erasure.CLEAR, Erasure.DELETE) and not target.deletes
    if emptied and not empty_value(field)[0]:
        return "kept: the field has no empty value"
    return ""


def changes(target: Target, names_specs: list[tuple[str, Personal]]) -> dict[str, Any]:
    """The update that clears and pseudonymises what can be (rows not deleted whole)."""
    update: dict[str, Any] = {}
    for name, spec in names_specs:
        if unworkable(target, name, spec):
            continue
        if spec.erasure == Erasure.PSEUDONYMISE:
            update[name] = pseudonym()
        elif spec.erasure in (Erasure.CLEAR, Erasure.DELETE):
            update[name] = empty_value(target.model._meta.get_field(name))[1]
    return update


# -- lines -------------------------------------------------------------------------------------


def _kept_until(spec: Personal, erased_on: datetime.date) -> datetime.date | None:
    days = current_profile().retention.get(spec.retention or "")
    return erased_on + datetime.timedelta(days=days) if days is not None else None


def _line(
    count: ModelCount, name: str, spec: Personal, outcome: str, rows: int, **extra: Any
) -> ErasureLine:
    where = f"{count.target.label}.{name}"
    label = category_label(spec.category)
    return ErasureLine(spec.category, label, outcome, _done(count, spec), where, rows, **extra)


def _done(count: ModelCount, spec: Personal) -> str:
    """What is done to the field: ``delete`` empties it when its row stays for other fields."""
    if spec.erasure == Erasure.DELETE and not count.target.deletes:
        return Erasure.CLEAR.value
    return spec.erasure.value


def field_lines(
    count: ModelCount, name: str, spec: Personal, erased_on: datetime.date, refused: str
) -> list[ErasureLine]:
    """The lines of one field: ``refused`` says why its rows could not be changed ("" if not)."""
    if spec.erasure == Erasure.RETAIN:
        until = _kept_until(spec, erased_on)
        return [_line(count, name, spec, KEPT, count.rows, why=spec.legal_basis, kept_until=until)]
    if spec.erasure == Erasure.SHRED:
        return [_line(count, name, spec, ERASED, count.rows)]
    why = refused or unworkable(count.target, name, spec)
    if why:
        return [_line(count, name, spec, KEPT, count.rows, why=why)]
    lines = [_line(count, name, spec, ERASED, count.exclusive)] if count.exclusive else []
    if shared := count.rows - count.exclusive:
        lines.append(_line(count, name, spec, KEPT, shared, why=SHARED))
    return lines


def model_lines(
    count: ModelCount, erased_on: datetime.date, refused: str = ""
) -> list[ErasureLine]:
    if not count.rows or count.target.declaration.hidden_from_subject:
        return []  # nothing, or rows the subject is never told about (erased all the same)
    fields = count.target.declaration.personal_fields()
    return [line for n, s in fields for line in field_lines(count, n, s, erased_on, refused)]


def ordered(lines: list[ErasureLine]) -> tuple[ErasureLine, ...]:
    return tuple(sorted(lines, key=lambda ln: (ln.category, ln.strategy, ln.where, ln.outcome)))
