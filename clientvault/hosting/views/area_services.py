"""The customer area's hosting services: the list, one service, cancelling it, a new plan.

Every page needs the services permission (an authorised user without it gets 403), and every
service is found by its reference through the signed-in person's own account, so another
account's answers 404. A change is one service call, then a redirect with a message; a refusal
is shown on the form field it names.
"""

from __future__ import annotations

from typing import Literal, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.hosting import queries
from clientvault.hosting.forms.area_fields import add_hosting_error, sent
from clientvault.hosting.forms.area_services import END_OF_TERM, CancelForm, ChangePlanForm
from clientvault.hosting.models import Service, ServiceStatus
from clientvault.hosting.sections import service_sections
from clientvault.hosting.services.lifecycle import cancel_service, change_plan
from clientvault.hosting.views.area_states import day, panel_work, service_state

SERVICES = Permission.SERVICES


def may_cancel(service: Service) -> bool:
    return service.may_become(ServiceStatus.CANCELLED) and service.cancel_on is None


@require_safe
@person_required(SERVICES)
def service_list(request: HttpRequest, person: Person) -> HttpResponse:
    services = queries.services_of(person.customer_id)
    page = Paginator(services, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hosting/area/services.html", {"person": person, "page": page})


@require_safe
@person_required(SERVICES)
def service_detail(request: HttpRequest, person: Person, reference: str) -> HttpResponse:
    service = queries.own_service(person, reference)
    order = queries.unpaid_order(service)
    context = {
        "person": person,
        "service": service,
        "order": order,
        "state": service_state(service, awaiting_payment=order is not None),
        "work": panel_work(service),
        "history": queries.service_history(service),
        "may_cancel": may_cancel(service),
        "may_change_plan": service.status == ServiceStatus.ACTIVE and service.cancel_on is None,
        "sections": service_sections(reference=service.reference, account=person.customer.number),
    }
    return render(request, "hosting/area/service.html", context)


@require_http_methods(["GET", "POST"])
@person_required(SERVICES)
def service_cancel(request: HttpRequest, person: Person, reference: str) -> HttpResponse:
    """Cancel now, or at the end of the paid term: a choice, its consequence, a tick."""
    service = queries.own_service(person, reference)
    if not may_cancel(service):
        messages.info(request, "This service is already cancelled or ending.")
        return redirect("hosting:service", reference=service.reference)
    form = CancelForm(sent(request), service=service)
    if request.method == "POST" and form.is_valid():
        when = cast(Literal["now", "end_of_term"], form.cleaned_data["when"])
        try:
            service = cancel_service(service=service, when=when, actor=acting_user(request))
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            messages.success(request, _cancelled(service, when))
            return redirect("hosting:service", reference=service.reference)
    return render(
        request,
        "hosting/area/service_cancel.html",
        {"person": person, "service": service, "form": form},
    )


def _cancelled(service: Service, when: str) -> str:
    if when == END_OF_TERM and service.cancel_on is not None:
        return f"Cancelled: {service.plan.name} ends on {day(service.cancel_on)}."
    return f"Cancelled: {service.plan.name} is being removed from the server."


@require_http_methods(["GET", "POST"])
@person_required(SERVICES)
def service_plan(request: HttpRequest, person: Person, reference: str) -> HttpResponse:
    """Move the service to another plan of its product (a smaller one must hold its files)."""
    service = queries.own_service(person, reference)
    offers = queries.other_plans(service, queries.account_currency(person.customer_id))
    form = ChangePlanForm(sent(request), offers=offers)
    if request.method == "POST" and form.is_valid():
        plan = form.chosen
        try:
            change_plan(service=service, plan=plan, actor=acting_user(request))
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            messages.success(
                request, f"Moving to {plan.name}: the control panel is changing the service now."
            )
            return redirect("hosting:service", reference=service.reference)
    context = {"person": person, "service": service, "form": form, "offers": offers}
    return render(request, "hosting/area/service_plan.html", context)
