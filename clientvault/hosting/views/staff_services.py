"""The back office's view of one service: its history, its panel calls, and staff's actions.

The page needs ``support``; each action (suspend, unsuspend, cancel, change plan, retry a
failed call) needs ``service`` and is a form on the page that posts to its own address: one
service call, then back to the page with what happened, or with the service's refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from clientvault.accounts.services.staff import actor_names
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.hosting.errors import HostingError
from clientvault.hosting.forms.staff import CancelForm, PlanForm, SuspendForm, problems
from clientvault.hosting.models import CallStatus, RemoteCall, Service, ServiceStatus
from clientvault.hosting.names import display_name
from clientvault.hosting.services.calls import retry_call
from clientvault.hosting.services.lifecycle import (
    cancel_service,
    change_plan,
    suspend_service,
    unsuspend_service,
)
from clientvault.hosting.services.staff import (
    SERVICE,
    SUPPORT,
    log_account_view,
    may_act,
    provisioning,
)

HISTORY = 25


def _service(reference: str) -> Service:
    found = Service.objects.select_related("customer", "plan__product", "plan__billing_plan")
    return get_object_or_404(found, reference=reference)


def named(rows: list[Any]) -> list[tuple[Any, str]]:
    """Each row with who made it: staff by username, the customer, or the system."""
    names = actor_names({row.actor_id for row in rows if row.actor_id})
    return [(row, names.get(row.actor_id, "—")) for row in rows]


@require_safe
@staff_page(purpose=SUPPORT)
def service_detail(request: HttpRequest, reference: str) -> HttpResponse:
    service = _service(reference)
    staff = staff_user(request)
    log_account_view(
        staff=staff, customer=service.customer, purpose=SUPPORT, what="hosting.service"
    )
    context = {
        "service": service,
        "customer": service.customer,
        "domain": display_name(service.domain),
        "state": provisioning(service=service),
        "history": named(list(service.history.all()[:HISTORY])),
        "calls": named(list(service.calls.all()[:HISTORY])),
        "may_act": may_act(staff),
        "suspend_form": SuspendForm(),
        "cancel_form": CancelForm(),
        "plan_form": PlanForm(service=service),
        "active": service.status == ServiceStatus.ACTIVE,
        "suspended": service.status == ServiceStatus.SUSPENDED,
        "cancellable": service.may_become(ServiceStatus.CANCELLED),
    }
    return render(request, "hosting/staff/service.html", context)


def _act(
    request: HttpRequest,
    service: Service,
    form: forms.Form,
    action: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run ``action`` with the form's data: its message, or the form's or service's refusal."""
    if not form.is_valid():
        for problem in problems(form):
            messages.error(request, problem)
    else:
        try:
            messages.success(request, action(form.cleaned_data))
        except HostingError as error:
            messages.error(request, error.text)
    return redirect("hosting:staff_service", reference=service.reference)


@require_POST
@staff_page(purpose=SERVICE)
def service_suspend(request: HttpRequest, reference: str) -> HttpResponse:
    service, staff = _service(reference), staff_user(request)

    def suspend(data: dict[str, Any]) -> str:
        suspend_service(service=service, reason=data["reason"], actor=staff)
        return "The service is suspended; the control panel is told."

    return _act(request, service, SuspendForm(request.POST), suspend)


@require_POST
@staff_page(purpose=SERVICE)
def service_unsuspend(request: HttpRequest, reference: str) -> HttpResponse:
    service, staff = _service(reference), staff_user(request)

    def unsuspend(data: dict[str, Any]) -> str:
        unsuspend_service(service=service, actor=staff)
        return "The service is active again; the control panel is told."

    return _act(request, service, forms.Form(request.POST), unsuspend)


@require_POST
@staff_page(purpose=SERVICE)
def service_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    service, staff = _service(reference), staff_user(request)

    def cancel(data: dict[str, Any]) -> str:
        done = cancel_service(service=service, when=data["when"], actor=staff)
        if done.cancel_on is not None:
            return f"The service ends on {done.cancel_on:%d %B %Y}; it is no longer billed."
        return "The service is cancelled: billing stopped and the control panel removes it."

    return _act(request, service, CancelForm(request.POST), cancel)


@require_POST
@staff_page(purpose=SERVICE)
def service_plan(request: HttpRequest, reference: str) -> HttpResponse:
    service, staff = _service(reference), staff_user(request)
    form = PlanForm(request.POST, service=service)

    def move(data: dict[str, Any]) -> str:
        plan = form.chosen()
        change_plan(service=service, plan=plan, actor=staff)
        return f"The control panel is moving the service to {plan.name}."

    return _act(request, service, form, move)


@require_POST
@staff_page(purpose=SERVICE)
def call_retry(request: HttpRequest, pk: str) -> HttpResponse:
    """Try a failed panel or registrar call again now, back to its service's or domain's page."""
    call = get_object_or_404(RemoteCall.objects.select_related("service"), pk=pk)
    if call.status != CallStatus.FAILED:
        messages.info(request, "This call has not failed: nothing to try again.")
    else:
        retry_call(call=call, actor=staff_user(request))
        messages.success(request, "The call is queued again; this page shows how it goes.")
    if call.service is not None:
        return redirect("hosting:staff_service", reference=call.service.reference)
    return redirect("hosting:staff_domain", pk=call.domain_id)
