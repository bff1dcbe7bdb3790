"""The customer's order form: a plan, its billing cycle and the domain it serves.

Placing the order is one call to ``place_order``, which checks everything first (the domain
name by IDNA 2008, whether it is free at the registrar) and then makes the order with its
invoice; the customer is sent to that invoice to pay it. A registrar that does not answer is
said on the domain field, and nothing is ordered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Channel, Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.hosting import queries
from clientvault.hosting.forms.area_fields import add_hosting_error, sent
from clientvault.hosting.forms.area_orders import OrderForm
from clientvault.hosting.models import ContactRole, Order
from clientvault.hosting.services.contacts import person_values
from clientvault.hosting.services.handover import published
from clientvault.hosting.services.orders import place_order


@dataclass(frozen=True)
class EndingRow:
    """One ending sold: its price, what its registry publishes of the registrant, whether
    ID protection is allowed (None when the registrar cannot be asked)."""

    tld: str
    price: str
    public: tuple[tuple[str, str], ...] | None  # (label, the owner's value or "")
    protection: bool | None


def ending_rows(person: Person, currency: str) -> list[EndingRow]:
    """Each ending with what its registry would publish of the registrant: the account owner,
    whose values are shown to the owner only."""
    owner = queries.account_owner(person.customer_id)
    data = person_values(owner)
    rows = []
    for ending in queries.domain_endings(currency):
        shown = published(
            tld=ending.tld, role=ContactRole.REGISTRANT, data=data, id_protection=False
        )
        public = None
        if shown is not None:
            values = [getattr(data, name) if person.is_owner else "" for name in shown.fields]
            public = tuple(zip(shown.labels, values, strict=True))
        protection = shown.id_protection_allowed if shown is not None else None
        rows.append(EndingRow(ending.tld, ending.price, public, protection))
    return rows


@require_http_methods(["GET", "POST"])
@person_required(Permission.SERVICES)
def order(request: HttpRequest, person: Person) -> HttpResponse:
    currency = queries.account_currency(person.customer_id)
    own_domains = queries.account_domain_names(person.customer_id)
    offers = queries.product_offers(currency)
    form = OrderForm(sent(request), offers=offers, own_domains=own_domains)
    if request.method == "POST" and form.is_valid():
        try:
            placed = place_order(
                customer=person.customer,
                lines=[form.line()],
                actor=acting_user(request),
                channel=Channel.ONLINE,
            )
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            return _to_invoice(request, person, placed)
    context = {
        "person": person,
        "form": form,
        "endings": ending_rows(person, currency),
        "registrar": queries.registrar_site(),
    }
    return render(request, "hosting/area/order.html", context)


def _to_invoice(request: HttpRequest, person: Person, placed: Order) -> HttpResponse:
    """To the order's invoice to pay it; someone who may not see invoices, to their services."""
    assert placed.invoice is not None
    number = placed.invoice.display_number
    if person.may(Permission.BILLING):
        messages.success(request, f"Order {placed.number} placed: pay invoice {number} to start.")
        return redirect("billing:invoice", number=number)
    messages.success(
        request,
        f"Order {placed.number} placed: it starts once invoice {number} is paid by someone "
        "who looks after the account's billing.",
    )
    return redirect("hosting:services")
