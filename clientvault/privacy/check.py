"""``clientvault privacy check``: every concrete field of every installed model is declared."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from clientvault.privacy.fields import VaultField
from clientvault.privacy.inventory import Declaration, Personal, registry, spec_problems
from clientvault.privacy.profile import current_profile


def _model_problems(model: type[models.Model], declaration: Declaration) -> list[str]:
    label = model._meta.label
    names = {f.name for f in model._meta.concrete_fields}
    problems = [f"{label}.{n}: not declared" for n in sorted(names - declaration.fields.keys())]
    problems += [
        f"{label}.{n}: declared but no such field" for n in declaration.fields.keys() - names
    ]
    periods = current_profile().retention
    for name, spec in declaration.personal_fields():
        if name not in names:
            continue
        is_vault = isinstance(model._meta.get_field(name), VaultField)
        problems += spec_problems(label, name, spec, is_vault)
        if spec.retention and spec.retention not in periods:
            problems.append(f"{label}.{name}: retention {spec.retention!r} is not in the profile")
    if declaration.retention and declaration.retention.period not in periods:
        problems.append(
            f"{label}: retention {declaration.retention.period!r} is not in the profile"
        )
    return problems


def _vault_problems(model: type[models.Model], declaration: Declaration | None) -> list[str]:
    problems = []
    for f in model._meta.concrete_fields:
        spec = declaration.fields.get(f.name) if declaration else None
        if isinstance(f, VaultField) and not isinstance(spec, Personal):
            problems.append(f"{model._meta.label}.{f.name}: a VaultField must be declared personal")
    return problems


def problems() -> list[str]:
    """Every undeclared or contradictory field, as ``app.Model.field: reason`` lines."""
    found: list[str] = []
    for model in apps.get_models():
        label = model._meta.label
        if label in registry.exclusions:
            continue
        declaration = registry.get(label)
        if declaration is None:
            found.append(f"{label}: model not declared ({len(model._meta.concrete_fields)} fields)")
            continue
        found += _model_problems(model, declaration)
        found += _vault_problems(model, declaration)
    stale = set(registry.declarations) - {m._meta.label for m in apps.get_models()}
    found += [f"{label}: declared but not installed" for label in sorted(stale)]
    return found
