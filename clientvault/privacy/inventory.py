"""The inventory: what every model holds, whose it is, why, and how it is erased and expired.

Each app declares its models in its ``privacy.py`` (discovered at start-up)::

    inventory.declare(
        "billing.Card",
        subject="subject",
        fields={
            "id": inventory.not_personal(),
            "number": inventory.personal(
                "user.financial.credit_card", purposes=["payment_processing"], erasure="shred"
            ),
        },
    )

``clientvault privacy check`` fails on any concrete field of any installed model that is not
declared, and on declarations that contradict the taxonomy or the vault.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from clientvault.privacy.taxonomy import CATEGORIES, Purpose, is_restricted

DATA_DATABASE = "data database"
KEY_STORE_DATABASE = "key store database"
# Where a declaration's rows live, by database alias (see routers.py).
STORAGE_BY_ALIAS = {"default": DATA_DATABASE, "keys": KEY_STORE_DATABASE}


class Erasure(models.TextChoices):
    DELETE = "delete", "Deleted"
    CLEAR = "clear", "Cleared"
    PSEUDONYMISE = "pseudonymise", "Replaced by a pseudonym"
    SHRED = "shred", "Made unreadable by destroying its key"
    RETAIN = "retain", "Kept for a legal reason, then deleted"


@dataclass(frozen=True)
class Personal:
    category: str
    purposes: tuple[str, ...]
    erasure: Erasure
    retention: str | None = None
    legal_basis: str = ""
    recipients: tuple[str, ...] = ()
    # False for a secret that lets its holder act, such as a payment processor's token (it
    # charges the card): a copy of the subject's data says it is held but never gives it.
    shown: bool = True

    @property
    def restricted(self) -> bool:
        return is_restricted(self.category)


@dataclass(frozen=True)
class NotPersonal:
    reason: str = ""


FieldSpec = Personal | NotPersonal


# Rows of kernel models a subject is never told about: a confidential hold is told only as "a
# legal obligation applies" (its rows are kept all the same; they hold nothing but codes).
HIDDEN_ROWS: dict[str, models.Q] = {"privacy.Hold": models.Q(confidential=True)}


def told_to_subject(declaration: Declaration, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The rows of ``declaration`` a subject may be told about."""
    if declaration.hidden_from_subject:
        return rows.none()
    hidden = HIDDEN_ROWS.get(declaration.label)
    return rows.exclude(hidden) if hidden is not None else rows


@dataclass(frozen=True)
class RowRetention:
    """Rows older than the profile's period ``period`` (measured on ``age_field``) expire.

    ``aggregator`` (a dotted path to ``fn(queryset) -> int``) keeps anonymous figures first.
    """

    period: str
    age_field: str
    aggregator: str | None = None


@dataclass
class Declaration:
    label: str
    subject: str | None
    fields: dict[str, FieldSpec]
    retention: RowRetention | None = None
    description: str = ""
    storage: str = "data database"
    not_in_backups: str = ""  # why backups leave the rows out; "" when backups hold them
    # What erasing a subject needs beyond the fields' strategies (closing a login, say): a dotted
    # path to ``fn(*, subject_id, actor) -> int`` (rows changed; 0 when nothing was left to do),
    # run by erasure after the subject's key is destroyed, in erasure's transaction.
    on_erasure: str | None = None
    # How a rights request corrects a field (Art. 16): a dotted path to
    # ``fn(*, subject_id, field, value, actor) -> str`` (the old value), the owning app's own
    # service with its own validation (a ValidationError names the problem); ``correctable``
    # lists the fields it accepts.
    updater: str | None = None
    correctable: tuple[str, ...] = ()
    # Why the subject's own copy and erasure receipt never show these rows ("" when they do):
    # the legal register's cases about a person, told to them only through the disclosure
    # register once the law allows (SHR-5). Erasure still treats the rows as declared.
    hidden_from_subject: str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def personal_fields(self) -> Iterator[tuple[str, Personal]]:
        for name, spec in self.fields.items():
            if isinstance(spec, Personal):
                yield name, spec


@dataclass
class Registry:
    declarations: dict[str, Declaration] = field(default_factory=dict)
    exclusions: dict[str, str] = field(default_factory=dict)

    def get(self, label: str) -> Declaration | None:
        return self.declarations.get(label)

    def for_model(self, model: type[models.Model]) -> Declaration | None:
        """The model's declaration; a proxy model's rows are its concrete model's."""
        found = self.declarations.get(model._meta.label)
        concrete = model._meta.concrete_model
        if found is None and model._meta.proxy and concrete is not None:
            found = self.declarations.get(concrete._meta.label)
        return found

    def spec(self, model: type[models.Model], field_name: str) -> FieldSpec | None:
        declaration = self.for_model(model)
        return declaration.fields.get(field_name) if declaration else None

    def __iter__(self) -> Iterator[Declaration]:
        return iter(sorted(self.declarations.values(), key=lambda d: d.label))


registry = Registry()


def personal(
    category: str,
    *,
    purposes: Iterable[str],
    erasure: str,
    retention: str | None = None,
    legal_basis: str = "",
    recipients: Iterable[str] = (),
    shown: bool = True,
) -> Personal:
    """A personal field. ``shown=False``: held, never shown, not even in the subject's own copy
    (a secret that acts for them, as credentials are: a processor's token charges the card)."""
    return Personal(
        category=category,
        purposes=tuple(purposes),
        erasure=Erasure(erasure),
        retention=retention,
        legal_basis=legal_basis,
        recipients=tuple(recipients),
        shown=shown,
    )


def not_personal(reason: str = "") -> NotPersonal:
    return NotPersonal(reason)


def declare(
    label: str,
    *,
    subject: str | None,
    fields: dict[str, FieldSpec],
    retention: RowRetention | None = None,
    description: str = "",
    storage: str = "data database",
    not_in_backups: str = "",
    on_erasure: str | None = None,
    updater: str | None = None,
    correctable: Iterable[str] = (),
    hidden_from_subject: str = "",
) -> Declaration:
    """Declare a model. ``not_in_backups`` (the reason) leaves its rows out of every backup:
    for rows that would sign someone in, such as sessions, which a restore does without."""
    if label in registry.declarations:
        raise ValueError(f"{label} is declared twice")
    declaration = Declaration(
        label,
        subject,
        fields,
        retention,
        description,
        storage,
        not_in_backups,
        on_erasure,
        updater,
        tuple(correctable),
        hidden_from_subject,
    )
    unknown = [name for name in declaration.correctable if name not in fields]
    if unknown or (declaration.correctable and not updater):
        raise ValueError(f"{label}: correctable fields need an updater and a declaration each")
    registry.declarations[label] = declaration
    return declaration


def exclude(label: str, *, reason: str) -> None:
    """Leave a model out of the check deliberately; the reason is printed with the inventory."""
    registry.exclusions[label] = reason


def spec_problems(label: str, name: str, spec: Personal, vault_field: bool) -> list[str]:
    where = f"{label}.{name}"
    problems = []
    if spec.category not in CATEGORIES:
        problems.append(f"{where}: unknown category {spec.category!r}")
    elif spec.restricted and not vault_field:
        problems.append(f"{where}: {spec.category} is restricted and must be a VaultField")
    problems += [
        f"{where}: unknown purpose {p!r}" for p in spec.purposes if p not in Purpose.values
    ]
    if not spec.purposes:
        problems.append(f"{where}: declares no purpose")
    if spec.erasure == Erasure.RETAIN and not (spec.legal_basis and spec.retention):
        problems.append(f"{where}: 'retain' needs a legal basis and a retention period")
    if spec.erasure == Erasure.SHRED and not vault_field:
        problems.append(f"{where}: 'shred' needs a VaultField")
    return problems
