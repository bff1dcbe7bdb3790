"""Moving a demand through its workflow, with its history and audit in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from clientvault.legal.models import REASONED, Demand, DemandEvent, Status
from clientvault.legal.services.refusals import refuse
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.services.audit import record_event


def log_step(*, demand: Demand, step: str, actor: Actor | None, reason: str = "") -> DemandEvent:
    """Keep one step of the case's history and audit it (codes only)."""
    event = DemandEvent.objects.create(
        demand=demand, at=timezone.now(), step=step, actor_id=actor_ref(actor), reason=reason
    )
    record_event(
        action=f"legal.{step}",
        actor=actor,
        obj=demand,
        details={"type": demand.demand_type, "status": demand.status},
    )
    return event


def _workflow_problem(demand: Demand, status: str) -> tuple[str, str] | None:
    if not demand.may_become(status):
        return (
            "workflow",
            f"A demand {Status(demand.status).label.lower()} cannot become "
            f"{Status(status).label.lower()}.",
        )
    return None


def move(
    *,
    demand: Demand,
    status: str,
    actor: Actor | None,
    reason: str = "",
    then: Callable[[Demand], None] | None = None,
    check: Callable[[Demand], tuple[str, str] | None] | None = None,
) -> Demand:
    """Change the demand's status if the workflow allows it (checked on the locked row, so a
    final status is never overwritten); a reason where one is needed. ``then`` runs in the
    same transaction, on the moved demand; ``check`` (a rule code and message, or None) is
    asked on the locked demand before it moves."""
    reason = reason.strip()
    if status in REASONED and not reason:
        raise refuse(
            rule="reason_required",
            message=f"Reason: say why the demand is {Status(status).label.lower()}.",
            actor=actor,
            field="reason",
            obj=demand,
        )
    with transaction.atomic():
        locked = Demand.objects.select_for_update().get(pk=demand.pk)
        problem = _workflow_problem(locked, status) or (check(locked) if check else None)
        if problem is None:
            _change(locked, status, actor, reason)
            if then is not None:
                then(locked)
    if problem is not None:  # refused outside the transaction, so its audit stays
        raise refuse(rule=problem[0], message=problem[1], actor=actor, obj=demand)
    return locked


def _change(locked: Demand, status: str, actor: Actor | None, reason: str) -> None:
    locked.status = status
    locked.reason = reason or locked.reason
    if not locked.is_open:
        locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "reason", "closed_at"])
    log_step(demand=locked, step=status, actor=actor, reason=reason)
