"""``clientvault privacy check``: every concrete field of every installed model is declared.

The check covers every installed model; on success it lists the few deliberately left out
(``inventory.exclude``) with the reason given for each.

Auto-created many-to-many tables are walked too (``include_auto_created=True``): each must be
declared or excluded like any model, and one that is neither is reported against the owner's
many-to-many field, e.g. ``accounts.User.groups``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.utils.module_loading import import_string

from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.inventory import (
    STORAGE_BY_ALIAS,
    Declaration,
    Erasure,
    NotPersonal,
    Personal,
    RowRetention,
    registry,
    spec_problems,
)
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.retention import extra_rules

SUBJECT_LABEL = "privacy.Subject"
Model = type[models.Model]
TEXT_FIELDS = (models.CharField, models.TextField)


def installed_models() -> list[Model]:
    return list(apps.get_models(include_auto_created=True))


def problems() -> list[str]:
    """Every undeclared or contradictory field, as ``app.Model.field: reason`` lines."""
    models_ = installed_models()
    found: list[str] = []
    for model in models_:
        found += _problems_of(model)
    labels = {m._meta.label for m in models_}
    found += [
        f"{label}: declared but not installed"
        for label in sorted(set(registry.declarations) - labels)
    ]
    found += [
        f"{label}: excluded but not installed"
        for label in sorted(set(registry.exclusions) - labels)
    ]
    periods = current_profile().retention
    found += [
        f"{rule.label}: retention {rule.period!r} is not in the profile"
        for rule in extra_rules()
        if rule.period not in periods
    ]
    return found


def _problems_of(model: Model) -> list[str]:
    label = model._meta.label
    declaration = registry.get(label)
    if label in registry.exclusions:
        return [f"{label}: both declared and excluded"] if declaration else []
    if declaration is None and model._meta.proxy:
        return []  # a proxy has no table: its rows are its concrete model's, declared there
    if declaration is None:
        return _undeclared(model)
    return _model_problems(model, declaration)


def _undeclared(model: Model) -> list[str]:
    label = model._meta.label
    owner = cast(Model | bool, model._meta.auto_created)
    if not isinstance(owner, bool):
        field = next(f for f in owner._meta.local_many_to_many if f.remote_field.through is model)
        return [
            f"{owner._meta.label}.{field.name}: its many-to-many table {label} is neither "
            "declared nor excluded"
        ]
    return [
        f"{label}.{f.name}: not declared ({label} has no declaration)"
        for f in model._meta.concrete_fields
    ]


def _model_problems(model: Model, declaration: Declaration) -> list[str]:
    label = model._meta.label
    names = {f.name for f in model._meta.concrete_fields}
    found = [f"{label}.{n}: not declared" for n in sorted(names - declaration.fields.keys())]
    found += [
        f"{label}.{n}: declared but no such field"
        for n in sorted(declaration.fields.keys() - names)
    ]
    for name, spec in declaration.personal_fields():
        if name in names:
            found += _field_problems(model, declaration, name, spec)
    found += _vault_problems(model, declaration)
    found += _subject_problems(model, declaration)
    found += _storage_problems(model, declaration)
    if declaration.retention:
        found += _retention_problems(model, declaration.retention)
    if declaration.on_erasure:
        found += _hook_problems(model._meta.label, declaration.on_erasure)
    return found


def _hook_problems(label: str, path: str) -> list[str]:
    try:
        hook = import_string(path)
    except ImportError:
        return [f"{label}: on_erasure {path!r} cannot be imported"]
    return [] if callable(hook) else [f"{label}: on_erasure {path!r} is not a function"]


def _field_problems(model: Model, declaration: Declaration, name: str, spec: Personal) -> list[str]:
    label, field = model._meta.label, model._meta.get_field(name)
    is_vault = isinstance(field, VaultField)
    found = spec_problems(label, name, spec, is_vault)
    if spec.retention and spec.retention not in current_profile().retention:
        found.append(f"{label}.{name}: retention {spec.retention!r} is not in the profile")
    if spec.erasure == Erasure.CLEAR and not _can_clear(field):
        found.append(f"{label}.{name}: 'clear' needs a field that can be empty")
    if spec.erasure == Erasure.PSEUDONYMISE and not isinstance(field, TEXT_FIELDS):
        found.append(f"{label}.{name}: 'pseudonymise' needs a text field")
    if isinstance(field, VaultField) and field.subject_field != declaration.subject:
        found.append(
            f"{label}.{name}: the VaultField seals for subject {field.subject_field!r} "
            f"but the declaration's subject is {declaration.subject!r}"
        )
    return found


def _can_clear(field: Any) -> bool:
    """As the retention sweep and erasure empty a field: to NULL, or to "" where allowed."""
    return bool(field.null or field.empty_strings_allowed)


def _vault_problems(model: Model, declaration: Declaration) -> list[str]:
    found = []
    for f in model._meta.concrete_fields:
        spec = declaration.fields.get(f.name)
        if isinstance(f, VaultField | BlindIndexField) and isinstance(spec, NotPersonal):
            kind = type(f).__name__
            found.append(f"{model._meta.label}.{f.name}: a {kind} must be declared personal")
    return found


def _subject_problems(model: Model, declaration: Declaration) -> list[str]:
    label = model._meta.label
    if declaration.subject is None:
        reachable = declaration.retention is not None
        has_personal = any(True for _ in declaration.personal_fields())
        if has_personal and not reachable:
            return [
                f"{label}: holds personal data but has no subject and no retention rule, "
                "so neither erasure nor the retention sweep reaches it"
            ]
        return []
    if not leads_to_subject(model, declaration.subject):
        return [f"{label}: subject path {declaration.subject!r} does not lead to a Subject"]
    return []


def leads_to_subject(model: Model, path: str) -> bool:
    """Whether ``Model.objects.filter(**{path: subject.pk})`` selects a subject's rows.

    The path ends at a relation to ``privacy.Subject``, at ``pk`` of Subject itself, or at a
    ``UUIDField`` named ``subject_id`` (the audit log and the key store hold the id, not a key).
    """
    *hops, last = path.split("__")
    try:
        for hop in hops:
            related = model._meta.get_field(hop).related_model
            if related is None or isinstance(related, str):
                return False
            model = related
        if last == "pk":
            return model._meta.label == SUBJECT_LABEL
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return False
    target = field.related_model
    if target is not None and not isinstance(target, str):
        return target._meta.label == SUBJECT_LABEL
    return isinstance(field, models.UUIDField) and field.name == "subject_id"


def _storage_problems(model: Model, declaration: Declaration) -> list[str]:
    actual = STORAGE_BY_ALIAS.get(router.db_for_write(model), "data database")
    if declaration.storage != actual:
        return [
            f"{model._meta.label}: storage is {declaration.storage!r} "
            f"but its rows live in the {actual}"
        ]
    return []


def _retention_problems(model: Model, retention: RowRetention) -> list[str]:
    label = model._meta.label
    found = []
    if retention.period not in current_profile().retention:
        found.append(f"{label}: retention {retention.period!r} is not in the profile")
    try:
        age = model._meta.get_field(retention.age_field)
    except FieldDoesNotExist:
        age = None
    if not isinstance(age, models.DateField):
        found.append(f"{label}.{retention.age_field}: retention needs a date field to age rows")
    elif age.null:
        found.append(f"{label}.{retention.age_field}: rows without a date would never expire")
    if retention.aggregator:
        found += _aggregator_problems(label, retention.aggregator)
    return found


def _aggregator_problems(label: str, path: str) -> list[str]:
    try:
        import_string(path)
    except ImportError:
        return [f"{label}: retention aggregator {path!r} cannot be imported"]
    return []


@dataclass(frozen=True)
class Summary:
    models: int
    fields: int
    personal: int
    exclusions: tuple[tuple[str, str], ...]  # (model label, reason), sorted by label

    @property
    def excluded(self) -> int:
        return len(self.exclusions)

    def __str__(self) -> str:
        head = (
            f"privacy check passed: {self.models} models with {self.fields} fields declared "
            f"({self.personal} personal), {self.excluded} models excluded"
        )
        lines = [f"  {label}: {reason}" for label, reason in self.exclusions]
        return "\n".join([head + (":" if lines else ""), *lines])


def summarise() -> Summary:
    """How many installed models are declared (and their fields); which are excluded, and why."""
    labels = {m._meta.label for m in installed_models()}
    declared = [d for d in registry if d.label in labels]
    return Summary(
        models=len(declared),
        fields=sum(len(d.fields) for d in declared),
        personal=sum(1 for d in declared for _ in d.personal_fields()),
        exclusions=tuple(
            (label, reason)
            for label, reason in sorted(registry.exclusions.items())
            if label in labels
        ),
    )
