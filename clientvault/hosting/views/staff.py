"""The back office's hosting: a customer's services and domains, and an order placed for them.

Pages open by the purpose the policy profile grants a staff role (``staff_page``, as the rest of
the back office): the customer's hosting needs ``support``; placing an order and every action
on a service or a domain need ``service`` (``views.staff_services``, ``views.staff_domains``).
Each page that shows a customer's services or domains is access-logged for each person on the
account (SEC-5), so a breach can be scoped to what a staff login saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.models import Channel, Customer
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.hosting.errors import HostingError
from clientvault.hosting.forms.staff import OrderForm, add_hosting_error
from clientvault.hosting.models import Domain, Service
from clientvault.hosting.names import display_name
from clientvault.hosting.services.catalogue import plans_on_sale
from clientvault.hosting.services.orders import place_order
from clientvault.hosting.services.staff import (
    SERVICE,
    SUPPORT,
    Provisioning,
    log_account_view,
    may_act,
    provisioning,
)

PAGE_SIZE = 25


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    domain: str  # as people read it
    state: Provisioning


@dataclass(frozen=True)
class DomainRow:
    domain: Domain
    state: Provisioning


@require_safe
@staff_page(purpose=SUPPORT)
def customer_hosting(request: HttpRequest, number: str) -> HttpResponse:
    """A customer's services and domains, each with where its panel or registrar calls stand."""
    account = get_object_or_404(Customer, number=number)
    staff = staff_user(request)
    log_account_view(staff=staff, customer=account, purpose=SUPPORT, what="hosting.account")
    services = Service.objects.filter(customer=account).select_related(
        "plan__product", "plan__billing_plan"
    )
    domains = Domain.objects.filter(customer=account).order_by("name", "-created_at")
    service_page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    domain_page = Paginator(domains, PAGE_SIZE).get_page(request.GET.get("domains"))
    context = {
        "customer": account,
        "may_act": may_act(staff),
        "page": service_page,
        "services": [
            ServiceRow(s, display_name(s.domain), provisioning(service=s)) for s in service_page
        ],
        "domain_page": domain_page,
        "domains": [DomainRow(d, provisioning(domain=d)) for d in domain_page],
    }
    return render(request, "hosting/staff/customer.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(purpose=SERVICE)
def order(request: HttpRequest, number: str) -> HttpResponse:
    """Place an order for the customer (the staff channel): its invoice is issued to them."""
    account = get_object_or_404(Customer, number=number)
    form = OrderForm(request.POST or None, plans=plans_on_sale())
    if request.method == "POST" and form.is_valid():
        try:
            placed = place_order(
                customer=account,
                lines=[form.line()],
                actor=staff_user(request),
                channel=Channel.STAFF,
            )
        except HostingError as error:
            add_hosting_error(form, error)
        else:
            invoice = placed.invoice.display_number if placed.invoice else "—"
            messages.success(
                request,
                f"Order {placed.number} placed. Invoice {invoice} was issued to the customer; "
                "what it orders is set up once it is paid.",
            )
            return redirect("hosting:staff_customer", number=account.number)
    return render(request, "hosting/staff/order.html", {"customer": account, "form": form})
