"""The customer area's billing: the overview, invoices (list, detail, PDF), credit, details.

Every page needs the billing permission (the owner has it; an authorised user without it gets
403), and every invoice is found through the signed-in person's own account, so another
account's number answers 404. A change is one service call, then a redirect with a message; a
refusal is shown on the form field it names.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Permission, Person
from clientvault.billing import queries
from clientvault.billing.models import Invoice, PaymentStatus

PAGE_SIZE = 25
BILLING = Permission.BILLING


def paginate(request: HttpRequest, items: QuerySet[Invoice]) -> Page[Invoice]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def own_invoice(person: Person, number: str) -> Invoice:
    """One of the person's account's issued invoices by its printed number; 404 otherwise."""
    return queries.invoice_by_number(queries.issued_invoices(person.customer), number)


@require_safe
@person_required(BILLING)
def overview(request: HttpRequest, person: Person) -> HttpResponse:
    """Where the account stands: what is due, the next invoice, the default method, credit."""
    context = {"person": person, "overview": queries.overview(person.customer)}
    return render(request, "billing/overview.html", context)


@require_safe
@person_required(BILLING)
def invoice_list(request: HttpRequest, person: Person) -> HttpResponse:
    context = {
        "person": person,
        "page": paginate(request, queries.issued_invoices(person.customer)),
    }
    return render(request, "billing/invoices.html", context)


@require_safe
@person_required(BILLING)
def invoice_detail(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    invoice = own_invoice(person, number)
    payments = invoice.payments.filter(status=PaymentStatus.SUCCEEDED).select_related("method")
    context = {
        "person": person,
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "payments": payments.prefetch_related(Prefetch("refunds")),
        "credit_notes": invoice.credit_notes.select_related("series"),
        "failed": invoice.payments.filter(status=PaymentStatus.FAILED).first(),
        "pending": invoice.payments.filter(status=PaymentStatus.PENDING).exists(),
    }
    return render(request, "billing/invoice.html", context)


@require_safe
@person_required(BILLING)
def credit(request: HttpRequest, person: Person) -> HttpResponse:
    """The account's credit and every change of it, newest first."""
    customer = person.customer
    context = {
        "person": person,
        "balance": queries.Amount(
            queries.credit_balance(customer), queries.account_currency(customer)
        ),
        "currency": queries.account_currency(customer),
        "page": Paginator(queries.credit_history(customer), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
    }
    return render(request, "billing/credit.html", context)
