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

Held data stays: rows that reach a subject under an active hold (:mod:`.holds`) are neither
deleted nor cleared, and the sweep says how many it skipped (a ``skip`` line, its count the held
rows). An app's registered rule is told nothing of holds and must check them itself.

After erasure, the fields declared ``retain`` (kept for a legal reason) go once their period,
counted from the subject's ``erased_at``, has passed: a model whose every personal field is
retained loses the subject's rows (after the longest of their periods), any other has each
retained field emptied. Rows that also reach someone not yet erased, or erased too recently, stay;
the audit log is append-only and never touched (its entries name a subject by id only).

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
from clientvault.privacy.models import Hold, RetentionRun, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.erasure_plan import Target, targets
from clientvault.privacy.services.holds import active_filter, held_subjects

BATCH_SIZE = 500
HELD_NOTE = "held: rows of subjects under a hold are kept"
AFTER_ERASURE = "retained after erasure, now due"
# Never swept after erasure: the audit log is append-only (its chain must stay whole) and names
# a subject by id only.
APPEND_ONLY = frozenset({"privacy.AuditEvent"})
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
    held: QuerySet[Any] | None = None  # the held subjects' ids, when any subject is held

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


def _held(now: datetime.datetime) -> QuerySet[Any] | None:
    """The held subjects' ids as a subquery, or None when no one is held (nothing to skip)."""
    today = timezone.localdate(now)
    return held_subjects(today) if Hold.objects.filter(active_filter(today)).exists() else None


def _plan_sweep(*, now: datetime.datetime) -> list[_Plan]:
    """Resolve every rule; RetentionError on the first bad one, before anything changes."""
    declarations = [d for d in registry if _has_rules(d)]
    plans = [plan for d in declarations if (plan := _plan(d, now)) is not None]
    held = _held(now)
    for plan in plans:
        plan.held = held if plan.declaration.subject else None
    return plans


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


def without_held(
    due: QuerySet[Any], path: str | None, held: QuerySet[Any] | None
) -> tuple[QuerySet[Any], int]:
    """``due`` without the rows that reach a held subject, and how many those are."""
    if held is None or not path:
        return due, 0
    reach = due.model._default_manager.using(due.db).filter(**{f"{path}__in": held})
    held_rows = reach.values("pk")
    return due.exclude(pk__in=held_rows), due.filter(pk__in=held_rows).count()


def _sweep_rows(plan: _Plan, dry_run: bool) -> Iterator[SweepLine]:
    if plan.row is None or plan.cutoff is None:
        return
    expired = _manager(plan).filter(**{f"{plan.row.age_field}__lt": plan.cutoff})
    rule = {"period": plan.row.period, "days": plan.days, "cutoff": plan.cutoff}
    expired, held = without_held(expired, plan.declaration.subject, plan.held)
    if held:
        yield from plan.line(SweepAction.SKIP, held, note=HELD_NOTE, **rule)
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


def _clear_field(plan: _Plan, rule: _FieldRule, dry_run: bool) -> list[SweepLine]:
    extra: dict[str, Any] = {"period": rule.spec.retention, "days": rule.days, "field": rule.name}
    category = rule.spec.category
    clearable, empty = _empty_value(plan.model._meta.get_field(rule.name))
    if not clearable:
        note = "cannot be cleared: the field has no empty value"
        return [SweepLine(category, plan.label, SweepAction.SKIP, 0, note=note, **extra)]
    due, held = without_held(
        _due_for_clearing(plan, rule, empty), plan.declaration.subject, plan.held
    )
    count = due.count() if dry_run else due.update(**{rule.name: empty})
    lines = [SweepLine(category, plan.label, SweepAction.CLEAR, count, cutoff=rule.cutoff, **extra)]
    if held:
        lines.append(
            SweepLine(category, plan.label, SweepAction.SKIP, held, note=HELD_NOTE, **extra)
        )
    return lines


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
            lines += [line for rule in plan.fields for line in _clear_field(plan, rule, dry_run)]
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
    # One count per model, action, field and rule: a model's lines repeat it per category.
    per_model = {(ln.model, ln.action, ln.field, ln.period, ln.note): ln.count for ln in lines}
    counts = dict.fromkeys(("delete", "aggregate", "clear"), 0)
    for (_, action, *_), count in per_model.items():
        if action in counts:
            counts[action] += count
    touched = {model for (model, *_), count in per_model.items() if count}
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
    lines += sweep_after_erasure(now=now, dry_run=dry_run, held=_held(now))
    return _ordered(lines)


def last_run_on(*, day: datetime.date) -> RetentionRun | None:
    """The finished sweep of that day (in the site's time zone), if there was one."""
    return (
        RetentionRun.objects.filter(started_at__date=day, finished_at__isnull=False)
        .order_by("-started_at")
        .first()
    )


# -- what was retained after erasure ----------------------------------------------------------


@dataclass(frozen=True)
class _Retained:
    target: Target
    fields: list[_FieldRule]
    whole_rows: bool  # every personal field is retained: the rows go, not the values


def _retained(target: Target, now: datetime.datetime) -> _Retained | None:
    personal = list(target.declaration.personal_fields())
    kept = [(name, spec) for name, spec in personal if spec.erasure == Erasure.RETAIN]
    if not kept:
        return None
    fields = []
    for name, spec in kept:
        days = _days(f"{target.label}.{name}", spec.retention or "")
        fields.append(_FieldRule(name, spec, days, now - datetime.timedelta(days=days)))
    return _Retained(target, fields, whole_rows=len(kept) == len(personal))


def _due_after_erasure(target: Target, cutoff: datetime.datetime) -> QuerySet[Any]:
    """The rows whose every subject was erased before ``cutoff``."""
    erased_before = Subject.objects.filter(erased_at__lt=cutoff).values("pk")
    due = target.base().filter(**{f"{target.path}__in": erased_before})
    if not target.shared_path:
        return due
    others = Subject.objects.exclude(erased_at__lt=cutoff).values("pk")
    reach_others = target.base().filter(**{f"{target.path}__in": others}).values("pk")
    return target.base().filter(pk__in=due.values("pk")).exclude(pk__in=reach_others)


def _after_erasure_line(
    rule: _FieldRule, target: Target, action: str, count: int, **extra: Any
) -> SweepLine:
    return SweepLine(
        rule.spec.category,
        target.label,
        action,
        count,
        period=rule.spec.retention or "",
        days=rule.days,
        cutoff=rule.cutoff,
        note=str(extra.pop("note", AFTER_ERASURE)),
        field=str(extra.pop("field", "")),
    )


def _delete_after_erasure(
    kept: _Retained, held: QuerySet[Any] | None, dry_run: bool
) -> list[SweepLine]:
    rule = max(kept.fields, key=lambda f: f.days)  # the rows go when the longest period ends
    due, held_count = without_held(
        _due_after_erasure(kept.target, rule.cutoff), kept.target.path, held
    )
    lines = [_after_erasure_line(rule, kept.target, SweepAction.SKIP, held_count, note=HELD_NOTE)]
    try:
        with transaction.atomic():
            count = due.count() if dry_run else _delete_in_batches(due)
    except (ProtectedError, RestrictedError) as error:
        note = f"kept: still referenced by {', '.join(_holders(error))}"
        return [_after_erasure_line(rule, kept.target, SweepAction.SKIP, due.count(), note=note)]
    lines.append(_after_erasure_line(rule, kept.target, SweepAction.DELETE, count))
    return lines


def _clear_after_erasure(
    kept: _Retained, rule: _FieldRule, held: QuerySet[Any] | None, dry_run: bool
) -> list[SweepLine]:
    target, extra = kept.target, {"field": rule.name}
    clearable, empty = _empty_value(target.model._meta.get_field(rule.name))
    due = _due_after_erasure(target, rule.cutoff)
    if not clearable:
        note = "cannot be cleared: the field has no empty value"
        return [
            _after_erasure_line(rule, target, SweepAction.SKIP, due.count(), note=note, **extra)
        ]
    due = due.exclude(**{f"{rule.name}__isnull": True} if empty is None else {rule.name: empty})
    due, held_count = without_held(due, target.path, held)
    count = due.count() if dry_run else due.update(**{rule.name: empty})
    return [
        _after_erasure_line(rule, target, SweepAction.CLEAR, count, **extra),
        _after_erasure_line(rule, target, SweepAction.SKIP, held_count, note=HELD_NOTE, **extra),
    ]


def _sweep_retained(kept: _Retained, held: QuerySet[Any] | None, dry_run: bool) -> list[SweepLine]:
    if kept.target.label in APPEND_ONLY:
        return []
    if kept.whole_rows:
        return _delete_after_erasure(kept, held, dry_run)
    return [
        line for rule in kept.fields for line in _clear_after_erasure(kept, rule, held, dry_run)
    ]


def sweep_after_erasure(
    *, now: datetime.datetime, dry_run: bool, held: QuerySet[Any] | None
) -> list[SweepLine]:
    """Delete or clear what erasure retained once its period since ``erased_at`` has passed."""
    found = [kept for target in targets() if (kept := _retained(target, now)) is not None]
    lines = [line for kept in found for line in _sweep_retained(kept, held, dry_run)]
    return [line for line in lines if line.count]  # only what is due: the rest says nothing
