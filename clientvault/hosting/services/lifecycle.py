"""A service's life after its order: suspension and its end, cancellation, removal, plan changes.

Billing's dunning suspends an account's services through :func:`suspend_for_unpaid` and a
payment restores them through :func:`restore_after_payment` (both registered as billing's
suspension hooks, both idempotent: a service is suspended or restored once however often they
run). Only services suspended *for an unpaid invoice* are restored by a payment; one staff
suspended for abuse stays suspended.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.db import transaction

from clientvault.accounts.models import ClientLogEvent
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.models import SubscriptionStatus
from clientvault.billing.services.accounts import channel_for
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    LIVE_STATUSES,
    CallAction,
    HostingPlan,
    Service,
    ServiceStatus,
    ServiceStatusChange,
)
from clientvault.hosting.models import StatusReason as Why
from clientvault.hosting.modules.base import PanelError
from clientvault.hosting.modules.registry import current_module
from clientvault.hosting.services.calls import open_call, queue_call
from clientvault.hosting.services.catalogue import plan_price
from clientvault.hosting.services.status import (
    lock_service,
    move_service,
    remember_status,
)
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

STAFF_SUSPENSION_REASONS = (Why.ABUSE, Why.STAFF)


# -- suspension -----------------------------------------------------------------------------------


def _suspend(service: Service, reason: str, actor: Actor | None) -> None:
    move_service(service=service, to=ServiceStatus.SUSPENDED, reason=reason, actor=actor)
    queue_call(
        service=service, action=CallAction.SUSPEND, actor=actor, arguments={"reason": reason}
    )


def _unsuspend(service: Service, reason: str, actor: Actor | None) -> None:
    move_service(service=service, to=ServiceStatus.ACTIVE, reason=reason, actor=actor)
    queue_call(service=service, action=CallAction.UNSUSPEND, actor=actor)


def suspend_for_unpaid(
    *, customer_id: uuid.UUID, invoice_id: int, reason: str, actor: Actor | None
) -> int:
    """Suspend the account's active services (billing's dunning); how many were."""
    with transaction.atomic():
        ids = Service.objects.filter(customer_id=customer_id, status=ServiceStatus.ACTIVE)
        count = 0
        for pk in ids.values_list("pk", flat=True):
            service = lock_service(pk)
            if service.status == ServiceStatus.ACTIVE:
                _suspend(service, Why.UNPAID, actor)
                count += 1
    return count


def _suspended_for_unpaid(service: Service) -> bool:
    last = ServiceStatusChange.objects.filter(
        service=service, to_status=ServiceStatus.SUSPENDED
    ).first()
    return last is not None and last.reason == Why.UNPAID


def restore_after_payment(
    *, customer_id: uuid.UUID, invoice_id: int, reason: str, actor: Actor | None
) -> int:
    """Unsuspend the services that an unpaid invoice suspended; how many were."""
    with transaction.atomic():
        ids = Service.objects.filter(customer_id=customer_id, status=ServiceStatus.SUSPENDED)
        count = 0
        for pk in ids.values_list("pk", flat=True):
            service = lock_service(pk)
            if service.status == ServiceStatus.SUSPENDED and _suspended_for_unpaid(service):
                _unsuspend(service, Why.PAYMENT_RECEIVED, actor)
                count += 1
    return count


def suspend_service(*, service: Service, reason: str, actor: Actor) -> Service:
    """Staff suspend a service (abuse, or another staff reason)."""
    if reason not in STAFF_SUSPENSION_REASONS:
        raise HostingError("Choose why the service is suspended.", field="reason")
    with transaction.atomic():
        service = lock_service(service)
        if service.status == ServiceStatus.SUSPENDED:  # already, for an unpaid invoice: now
            remember_status(service, service.status, service.status, reason, actor)  # kept
        else:
            _suspend(service, reason, actor)
    return service


def unsuspend_service(*, service: Service, actor: Actor) -> Service:
    with transaction.atomic():
        service = lock_service(service)
        _unsuspend(service, Why.STAFF, actor)
    return service


# -- cancellation ---------------------------------------------------------------------------------


def _end_billing(service: Service) -> None:
    subscription = service.subscription
    if subscription is not None and subscription.status == SubscriptionStatus.ACTIVE:
        subscription.status = SubscriptionStatus.ENDED
        subscription.save(update_fields=["status"])


def _cancel_now(service: Service, reason: str, actor: Actor | None) -> None:
    # Set up, or being set up: a create still under way may yet make the account, so the
    # removal is queued behind it (calls for one service run in order).
    was_set_up = service.status != ServiceStatus.PENDING or open_call(service=service) is not None
    move_service(service=service, to=ServiceStatus.CANCELLED, reason=reason, actor=actor)
    _end_billing(service)
    service.cancel_on = service.next_due_on = None  # nothing more falls due
    service.save(update_fields=["cancel_on", "next_due_on", "updated_at"])
    if was_set_up or service.panel_username:
        queue_call(service=service, action=CallAction.TERMINATE, actor=actor)
    else:  # never created on the panel: nothing to remove there
        move_service(service=service, to=ServiceStatus.TERMINATED, reason=reason, actor=actor)


def _cancel_at_end(service: Service, actor: Actor | None) -> None:
    if service.next_due_on is None:
        raise HostingError("This service has no term to end: cancel it now instead.", field="when")
    service.cancel_on = service.next_due_on
    service.save(update_fields=["cancel_on", "updated_at"])
    _end_billing(service)
    log_client_event(
        customer=service.customer,
        event=ClientLogEvent.SERVICE_CANCELLATION,
        actor=actor,
        channel=channel_for(actor),
        detail=f"{service.plan.name}: ends on {service.cancel_on:%d %B %Y}",
    )
    record_event(action="service.cancel_scheduled", actor=actor, purpose="service", obj=service)


def cancel_service(
    *, service: Service, when: Literal["now", "end_of_term"], actor: Actor
) -> Service:
    """Cancel now (billing stops, the panel removes it) or at the end of the paid term."""
    reason = Why.STAFF_CANCELLED if actor.is_staff else Why.CUSTOMER_CANCELLED
    with transaction.atomic():
        service = lock_service(service)
        if not service.may_become(ServiceStatus.CANCELLED):
            raise HostingError("This service is already cancelled.", code="conflict")
        if when == "now":
            _cancel_now(service, reason, actor)
        else:
            _cancel_at_end(service, actor)
    return service


def cancel_due_services(*, today: datetime.date, actor: Actor) -> int:
    """Cancel the services whose end-of-term cancellation day has come (the daily run)."""
    due = Service.objects.filter(cancel_on__lte=today, status__in=LIVE_STATUSES)
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            service = lock_service(pk)
            if service.cancel_on and service.cancel_on <= today and service.is_live:
                _cancel_now(service, Why.END_OF_TERM, actor)
                count += 1
    return count


# -- plan changes ---------------------------------------------------------------------------------


def _check_plan_change(service: Service, plan: HostingPlan) -> None:
    if service.status != ServiceStatus.ACTIVE:
        raise HostingError("Only an active service can change plan.", code="conflict")
    if plan.product_id != service.plan.product_id or not plan.is_active:
        raise HostingError(f"{plan.name} is not a plan of {service.plan.product}.", field="plan")
    if plan.pk == service.plan_id:
        raise HostingError(f"The service is on {plan.name} already.", field="plan")
    if open_call(service=service) is not None:
        raise HostingError(
            "The control panel is still working on this service: try again shortly.",
            code="conflict",
        )
    billed = service.subscription
    if billed is not None:
        try:
            plan_price(plan, cycle=billed.price.cycle, currency=billed.price.currency)
        except HostingError as error:
            raise HostingError(error.text, field="plan") from None


def _check_usage(service: Service, plan: HostingPlan) -> None:
    """A smaller plan must hold what the service uses now (asked of the panel)."""
    if plan.rank >= service.plan.rank or not plan.disk_mb:
        return
    try:
        usage = current_module().usage(service_ref=service.reference)
    except PanelError as error:
        raise HostingError(
            f"We could not check the service's usage, so the plan was not changed: {error.reason}",
            code="unavailable",
        ) from None
    if usage.disk_mb > plan.disk_mb:
        raise HostingError(
            f"The service uses {usage.disk_mb:,} MB of disk; {plan.name} allows "
            f"{plan.disk_mb:,} MB. Remove files first, or choose a bigger plan.",
            field="plan",
        )


def change_plan(*, service: Service, plan: HostingPlan, actor: Actor) -> Service:
    """Ask the panel to move the service to another plan of its product."""
    _check_plan_change(service, plan)
    _check_usage(service, plan)
    with transaction.atomic():
        service = lock_service(service)
        _check_plan_change(service, plan)
        queue_call(
            service=service, action=CallAction.CHANGE_PLAN, actor=actor, arguments={"plan": plan.pk}
        )
        log_client_event(
            customer=service.customer,
            event=ClientLogEvent.SERVICE_PLAN_CHANGED,
            actor=actor,
            channel=channel_for(actor),
            detail=f"{service.plan.name} to {plan.name}",
        )
    return service
