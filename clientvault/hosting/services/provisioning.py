"""Panel calls: what each sends to the server module and what its outcome changes.

A service becomes active only once the panel created its account; a suspension, unsuspension
or removal is decided here first (the status moves at once) and the panel call follows, so a
panel that is down delays the panel, never the decision. A plan change takes effect once the
panel made it. A call that failed for good stays on the service as "failed" with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from clientvault.billing.models import Price
from clientvault.hosting.models import CallAction, HostingPlan, RemoteCall, Service, ServiceStatus
from clientvault.hosting.models import StatusReason as Why
from clientvault.hosting.modules.base import PanelAccount, PanelError, ServerModule
from clientvault.hosting.modules.registry import current_module
from clientvault.hosting.services.calls import Outcome, register_action
from clientvault.hosting.services.status import lock_service, move_service
from clientvault.privacy.actors import SystemActor

PROVISIONING = SystemActor("provisioning")


def _create(module: ServerModule, call: RemoteCall, service: Service) -> PanelAccount:
    return module.create(
        service_ref=service.reference,
        domain=service.domain,
        plan=service.plan.panel_plan,
        idempotency_key=call.idempotency_key,
    )


def _suspend(module: ServerModule, call: RemoteCall, service: Service) -> PanelAccount:
    reason = str(call.arguments.get("reason", ""))
    return module.suspend(
        service_ref=service.reference, reason=reason, idempotency_key=call.idempotency_key
    )


def _unsuspend(module: ServerModule, call: RemoteCall, service: Service) -> PanelAccount:
    return module.unsuspend(service_ref=service.reference, idempotency_key=call.idempotency_key)


def _terminate(module: ServerModule, call: RemoteCall, service: Service) -> PanelAccount:
    return module.terminate(service_ref=service.reference, idempotency_key=call.idempotency_key)


def _change_plan(module: ServerModule, call: RemoteCall, service: Service) -> PanelAccount:
    plan = HostingPlan.objects.get(pk=call.arguments["plan"]).panel_plan
    return module.change_plan(
        service_ref=service.reference, plan=plan, idempotency_key=call.idempotency_key
    )


_REQUESTS: dict[str, Callable[[ServerModule, RemoteCall, Service], PanelAccount]] = {
    CallAction.CREATE: _create,
    CallAction.SUSPEND: _suspend,
    CallAction.UNSUSPEND: _unsuspend,
    CallAction.TERMINATE: _terminate,
    CallAction.CHANGE_PLAN: _change_plan,
}


def _send(call: RemoteCall) -> Outcome:
    service = call.service
    assert service is not None
    try:
        account = _REQUESTS[call.action](current_module(), call, service)
    except PanelError as error:
        if call.action == CallAction.TERMINATE and error.code == "not_found":
            return Outcome(ok=True)  # never created (its set-up failed): nothing to remove
        return Outcome(ok=False, error=error.reason, retryable=error.retryable)
    return Outcome(ok=True, result=account)


def _created(call: RemoteCall, outcome: Outcome) -> None:
    if not outcome.ok:
        return
    service = lock_service(call.service_id or 0)
    service.panel_username = outcome.result.username
    service.save(update_fields=["panel_username", "updated_at"])
    if service.status == ServiceStatus.PENDING:
        move_service(
            service=service, to=ServiceStatus.ACTIVE, reason=Why.PROVISIONED, actor=PROVISIONING
        )


def _terminated(call: RemoteCall, outcome: Outcome) -> None:
    if not outcome.ok:
        return
    service = lock_service(call.service_id or 0)
    if service.status == ServiceStatus.CANCELLED:
        move_service(
            service=service, to=ServiceStatus.TERMINATED, reason=Why.TERMINATED, actor=PROVISIONING
        )


def _plan_changed(call: RemoteCall, outcome: Outcome) -> None:
    if not outcome.ok:
        return
    service = lock_service(call.service_id or 0)
    plan = HostingPlan.objects.select_related("billing_plan").get(pk=call.arguments["plan"])
    service.plan = plan
    service.save(update_fields=["plan", "updated_at"])
    subscription = service.subscription
    if subscription is not None:  # the next invoice bills the new plan
        price = Price.objects.get(
            plan=plan.billing_plan,
            cycle=subscription.price.cycle,
            currency=subscription.price.currency,
        )
        subscription.price = price
        subscription.description = plan.name
        subscription.save(update_fields=["price", "description"])


def _nothing_more(call: RemoteCall, outcome: Outcome) -> None:
    """Suspend and unsuspend: the status moved when decided; the call's row tells the rest."""


def register() -> None:
    register_action(CallAction.CREATE, send=_send, handle=_created)
    register_action(CallAction.SUSPEND, send=_send, handle=_nothing_more)
    register_action(CallAction.UNSUSPEND, send=_send, handle=_nothing_more)
    register_action(CallAction.TERMINATE, send=_send, handle=_terminated)
    register_action(CallAction.CHANGE_PLAN, send=_send, handle=_plan_changed)
