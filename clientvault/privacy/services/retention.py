"""The retention engine: expire what the inventory says expires, after the profile's periods.

Rules come from the inventory: a declaration's ``RowRetention(period, age_field, aggregator)``
deletes rows whose ``age_field`` is older than ``profile.retention[period]`` days (after the
aggregator has kept its anonymous figures), and a personal field declared with
``retention=<period>`` and erasure ``clear`` is emptied on rows older than that period, measured
on the declaration's age field. Any installed model can be declared, third-party ones included;
the key store is never swept.

What row age alone cannot say (which accounts never confirmed their e-mail address, say) an app
registers as an :class:`ExtraRule` (:func:`register_rule`): it names its period in the profile and
removes, or on a dry run counts, what became due before the cutoff; the kernel imports no app.

A real sweep runs in one transaction on the data database: its ``RetentionRun``, every model's
deletions and clearings, and its one audit event (counts only) commit together or not at all, so
no row is ever deleted without the record of it. A model whose expired rows are still protected
by others is rolled back on its own (a savepoint) and reported as kept. A second sweep right
after finds nothing. A dry run counts and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.module_loading import import_string

from clientvault.privacy.actors import Actor
from clientvault.privacy.inventory import Declaration, Erasure, Personal, RowRetention, registry
from clientvault.privacy.models import RetentionRun
from clientvault.privacy.profile import current_profile
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.services.audit import record_event

BATCH_SIZE = 500
Aggregator = Callable[[QuerySet[Any]], int]


class RetentionError(Exception):
    """A retention rule cannot be applied; the message names the model, field and rule."""


class SweepAction(models.TextChoices):
    DELETE = "delete", "Delete rows"
    AGGREGATE = "aggregate", "Aggregate rows"
    CLEAR = "clear", "Clear field"
    SKIP = "skip", "Skip"


@dataclass(frozen=True)
class SweepLine:
    """What the sweep does (or would do) to one data category of one model."""

    category: str  # a taxonomy key; "" when the model holds no personal field
    model: str
    action: str
    count: int
    period: str = ""
    days: int = 0
    cutoff: datetime.datetime | None = None
    field: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["cutoff"] = self.cutoff.isoformat() if self.cutoff else None
        return data


@dataclass(frozen=True)
class _FieldRule:
    name: str
    spec: Personal
    days: int
    cutoff: datetime.datetime


@dataclass
class _Plan:
    """Everything due for one model, resolved and checked before anything changes."""

    declaration: Declaration
    model: type[models.Model]
    using: str
    row: RowRetention | None = None
    days: int = 0
    cutoff: datetime.datetime | None = None
    aggregator: Aggregator | None = None
    fields: list[_FieldRule] = field(default_factory=list)
    notes: list[SweepLine] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.declaration.label

    def categories(self) -> list[str]:
        return sorted({spec.category for _, spec in self.declaration.personal_fields()}) or [""]

    def line(self, action: str, count: int, **extra: Any) -> Iterator[SweepLine]:
        for category in self.categories():
            yield SweepLine(category, self.label, action, count, **extra)


@dataclass(frozen=True)
class ExtraRule:
    """A retention rule an app registers for what row age alone cannot select.

    ``expire(cutoff, dry_run)`` removes what became due before ``cutoff`` (on a dry run it
    only counts it) and returns how many; it runs inside the sweep's transaction.
    """

    label: str  # what it removes, e.g. "accounts.Customer"
    category: str  # the taxonomy key that best names the data removed
    period: str  # a key of the profile's [retention], named for what it removes
    expire: Callable[[datetime.datetime, bool], int]


_EXTRA_RULES: dict[tuple[str, str], ExtraRule] = {}


def register_rule(rule: ExtraRule) -> None:
    """Add ``rule`` to every sweep (registering it again replaces it)."""
    _EXTRA_RULES[(rule.label, rule.period)] = rule


def extra_rules() -> list[ExtraRule]:
    return list(_EXTRA_RULES.values())


# -- planning ---------------------------------------------------------------------------------


def _days(label: str, period: str) -> int:
    days = current_profile().retention.get(period)
    if days is None:
        raise RetentionError(
            f"{label}: retention period {period!r} is not in the policy profile's [retention]"
        )
    return days


def _aggregator(label: str, path: str | None) -> Aggregator | None:
    if not path:
        return None
    try:
        function: Aggregator = import_string(path)
    except ImportError as error:
        raise RetentionError(f"{label}: aggregator {path!r} cannot be imported ({error})") from None
    return function


def _check_field(model: type[models.Model], label: str, name: str) -> None:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        raise RetentionError(f"{label}: age field {name!r} does not exist") from None


def _plan_rows(plan: _Plan, now: datetime.datetime) -> None:
    rule = plan.declaration.retention
    if rule is None:
        return
    _check_field(plan.model, plan.label, rule.age_field)
    plan.row, plan.days = rule, _days(plan.label, rule.period)
    plan.cutoff = now - datetime.timedelta(days=plan.days)
    plan.aggregator = _aggregator(plan.label, rule.aggregator)


def _plan_fields(plan: _Plan, now: datetime.datetime) -> None:
    for name, spec in plan.declaration.personal_fields():
        if not spec.retention or spec.erasure != Erasure.CLEAR:
            continue
        days = _days(f"{plan.label}.{name}", spec.retention)
        if plan.row is None:
            note = "no age field: declare a RowRetention to measure this field's age"
            plan.notes.append(
                SweepLine(spec.category, plan.label, SweepAction.SKIP, 0, field=name, note=note)
            )
            continue
        cutoff = now - datetime.timedelta(days=days)
        plan.fields.append(_FieldRule(name, spec, days, cutoff))


def _has_rules(declaration: Declaration) -> bool:
    return declaration.retention is not None or any(
        spec.retention and spec.erasure == Erasure.CLEAR
        for _, spec in declaration.personal_fields()
    )


def _plan(declaration: Declaration, now: datetime.datetime) -> _Plan | None:
    try:
        model = declaration.model
    except LookupError:
        return None  # declared for an app that is not installed here
    plan = _Plan(declaration, model, router.db_for_write(model) or "default")
    if plan.using == KEYSTORE_ALIAS:
        note = "kept in the key store, which the sweep never touches"
        plan.notes.extend(plan.line(SweepAction.SKIP, 0, note=note))
        return plan
    _plan_rows(plan, now)
    _plan_fields(plan, now)
    return plan


def _plan_sweep(*, now: datetime.datetime) -> list[_Plan]:
    """Resolve every rule; RetentionError on the first bad one, before anything changes."""
    declarations = [d for d in registry if _has_rules(d)]
    return [plan for d in declarations if (plan := _plan(d, now)) is not None]


def _plan_extra(now: datetime.datetime) -> list[tuple[ExtraRule, int]]:
    """Each registered rule with its period in days (RetentionError before anything changes)."""
    return [(rule, _days(rule.label, rule.period)) for rule in extra_rules()]


# -- sweeping ---------------------------------------------------------------------------------


def _manager(plan: _Plan) -> QuerySet[Any]:
    return plan.model._default_manager.using(plan.using).all()


def _delete_in_batches(expired: QuerySet[Any]) -> int:
    total = 0
    while pks := list(expired.values_list("pk", flat=True)[:BATCH_SIZE]):
        deleted, _ = expired.model._default_manager.using(expired.db).filter(pk__in=pks).delete()
        if not deleted:
            break
        total += len(pks)
    return total


def _sweep_rows(plan: _Plan, dry_run: bool) -> Iterator[SweepLine]:
    if plan.row is None or plan.cutoff is None:
        return
    expired = _manager(plan).filter(**{f"{plan.row.age_field}__lt": plan.cutoff})
    rule = {"period": plan.row.period, "days": plan.days, "cutoff": plan.cutoff}
    if plan.aggregator is not None:
        aggregated = expired.count() if dry_run else int(plan.aggregator(expired))
        yield from plan.line(SweepAction.AGGREGATE, aggregated, **rule)
    deleted = expired.count() if dry_run else _delete_in_batches(expired)
    yield from plan.line(SweepAction.DELETE, deleted, **rule)


def _empty_value(model_field: Any) -> tuple[bool, Any]:
    """Whether the field can be emptied, and its empty value (None or "")."""
    if model_field.null:
        return True, None
    return bool(model_field.empty_strings_allowed), ""


def _due_for_clearing(plan: _Plan, rule: _FieldRule, empty: Any) -> QuerySet[Any]:
    assert plan.row is not None
    age = plan.row.age_field
    due = _manager(plan).filter(**{f"{age}__lt": rule.cutoff})
    if plan.cutoff is not None:
        due = due.filter(**{f"{age}__gte": plan.cutoff})  # older rows are deleted instead
    if empty is None:
        return due.exclude(**{f"{rule.name}__isnull": True})
    return due.exclude(**{rule.name: empty})


def _clear_field(plan: _Plan, rule: _FieldRule, dry_run: bool) -> SweepLine:
    extra: dict[str, Any] = {"period": rule.spec.retention, "days": rule.days, "field": rule.name}
    clearable, empty = _empty_value(plan.model._meta.get_field(rule.name))
    if not clearable:
        note = "cannot be cleared: the field has no empty value"
        return SweepLine(rule.spec.category, plan.label, SweepAction.SKIP, 0, note=note, **extra)
    due = _due_for_clearing(plan, rule, empty)
    count = due.count() if dry_run else due.update(**{rule.name: empty})
    return SweepLine(
        rule.spec.category, plan.label, SweepAction.CLEAR, count, cutoff=rule.cutoff, **extra
    )


def _holders(error: ProtectedError | RestrictedError) -> list[str]:
    """The models whose rows keep expired rows from being deleted."""
    if isinstance(error, ProtectedError):
        return sorted({obj._meta.label for obj in error.protected_objects})
    return sorted({obj._meta.label for obj in error.restricted_objects})


def _sweep_model(plan: _Plan, dry_run: bool) -> list[SweepLine]:
    """One model in one savepoint: all of its rules apply, or (if rows are held) none."""
    if plan.using == KEYSTORE_ALIAS:
        return plan.notes
    try:
        with transaction.atomic(using=plan.using):
            lines = list(_sweep_rows(plan, dry_run))
            lines += [_clear_field(plan, rule, dry_run) for rule in plan.fields]
    except (ProtectedError, RestrictedError) as error:
        held = _holders(error)
        note = f"kept: expired rows are still referenced by {', '.join(held)}"
        return [*plan.line(SweepAction.SKIP, 0, note=note), *plan.notes]
    return lines + plan.notes


def _sweep_extra(rule: ExtraRule, days: int, now: datetime.datetime, dry_run: bool) -> SweepLine:
    cutoff = now - datetime.timedelta(days=days)
    with transaction.atomic():
        count = rule.expire(cutoff, dry_run)
    return SweepLine(
        rule.category,
        rule.label,
        SweepAction.DELETE,
        count,
        period=rule.period,
        days=days,
        cutoff=cutoff,
    )


def _ordered(lines: list[SweepLine]) -> list[SweepLine]:
    order = list(SweepAction.values)
    return sorted(lines, key=lambda ln: (ln.category, ln.model, order.index(ln.action), ln.field))


def totals(lines: list[SweepLine]) -> dict[str, int]:
    """Rows deleted and aggregated, values cleared, models touched: counts only."""
    per_model = {(ln.model, ln.action, ln.field): ln.count for ln in lines}
    counts = dict.fromkeys(("delete", "aggregate", "clear"), 0)
    for (_, action, _), count in per_model.items():
        if action in counts:
            counts[action] += count
    touched = {model for (model, _, _), count in per_model.items() if count}
    return {
        "deleted": counts["delete"],
        "aggregated": counts["aggregate"],
        "cleared": counts["clear"],
        "models": len(touched),
    }


def _finish(run: RetentionRun, lines: list[SweepLine], actor: Actor | None) -> None:
    run.finished_at = timezone.now()
    run.results = [line.as_json() for line in lines]
    run.save(update_fields=["finished_at", "results"])
    record_event(action="retention.swept", actor=actor, obj=run, details=totals(lines))


def sweep_retention(
    *, dry_run: bool, now: datetime.datetime | None = None, actor: Actor | None
) -> list[SweepLine]:
    """Delete, aggregate and clear what is due (or, with ``dry_run``, only count it)."""
    now = now or timezone.now()
    plans, extra = _plan_sweep(now=now), _plan_extra(now)
    if dry_run:
        return _sweep_all(plans, extra, now, dry_run=True)
    with transaction.atomic():  # the run, every model's changes and the audit event, or nothing
        run = RetentionRun.objects.create(started_at=timezone.now(), cutoff_at=now)
        lines = _sweep_all(plans, extra, now, dry_run=False)
        _finish(run, lines, actor)
    return lines


def _sweep_all(
    plans: list[_Plan], extra: list[tuple[ExtraRule, int]], now: datetime.datetime, dry_run: bool
) -> list[SweepLine]:
    lines = [line for plan in plans for line in _sweep_model(plan, dry_run=dry_run)]
    lines += [_sweep_extra(rule, days, now, dry_run) for rule, days in extra]
    return _ordered(lines)


def last_run_on(*, day: datetime.date) -> RetentionRun | None:
    """The finished sweep of that day (in the site's time zone), if there was one."""
    return (
        RetentionRun.objects.filter(started_at__date=day, finished_at__isnull=False)
        .order_by("-started_at")
        .first()
    )
