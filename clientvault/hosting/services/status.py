"""Moving a service along its workflow (``SERVICE_TRANSITIONS``), with history, audit and the
client log, in the caller's transaction on a locked service."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clientvault.accounts.models import ClientLogEvent
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.services.accounts import channel_for
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import Service, ServiceStatus, ServiceStatusChange, StatusReason
from clientvault.privacy.actors import Actor, actor_ref
from clientvault.privacy.services.audit import record_event


def lock_service(service: Service | int) -> Service:
    pk = service.pk if isinstance(service, Service) else service
    return Service.objects.select_for_update().select_related("plan__billing_plan").get(pk=pk)


def move_service(*, service: Service, to: str, reason: str, actor: Actor | None) -> None:
    """Move a locked service to ``to`` (refused if the workflow does not allow it)."""
    if not service.may_become(to):
        raise HostingError(
            f"A service that is {ServiceStatus(service.status).label.lower()} cannot become "
            f"{ServiceStatus(to).label.lower()}.",
            code="conflict",
        )
    was = service.status
    service.status = to
    with transaction.atomic():
        service.save(update_fields=["status", "updated_at"])
        remember_status(service, was, to, reason, actor)


def remember_status(service: Service, was: str, to: str, reason: str, actor: Actor | None) -> None:
    ServiceStatusChange.objects.create(
        service=service,
        from_status=was,
        to_status=to,
        reason=reason,
        at=timezone.now(),
        actor_id=actor_ref(actor),
    )
    record_event(
        action="service.status",
        actor=actor,
        purpose="service",
        obj=service,
        details={"from": was, "to": to, "reason": reason},
    )
    log_client_event(
        customer=service.customer,
        event=ClientLogEvent.SERVICE_STATUS_CHANGED,
        actor=actor,
        channel=channel_for(actor),
        detail=f"{service.plan.name}: {ServiceStatus(to).label} ({StatusReason(reason).label})",
    )
