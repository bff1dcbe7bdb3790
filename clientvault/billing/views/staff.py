"""The back office's billing: every invoice, a customer's billing, one invoice and its actions.

Pages open by the purpose the policy profile grants a staff role (``staff_page``, as the rest of
the back office): the invoice list, an invoice and every action on money need ``billing``; a
customer's billing page needs ``support``, and shows a role without ``billing`` (support, by
default) only the invoices' numbers, amounts and statuses, never payments, methods, credit or
the name and address an invoice was issued to. A payment method is shown by brand, last four
digits and expiry; its billing address only through ``reveal()`` for payment processing, one
button press at a time, each press audited. The token is never shown to anyone.

Each page that shows a customer's billing is access-logged for each person on the account
(SEC-5), so a breach can be scoped to what a staff login saw.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from clientvault.accounts.models import Customer, User
from clientvault.accounts.services.staff import staff_purposes
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.billing import queries
from clientvault.billing.forms.staff import InvoiceFilter
from clientvault.billing.models import Invoice, Payment, PaymentMethod
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.services.access import record_access
from clientvault.privacy.taxonomy import Purpose

PAGE_SIZE = 25
BILLING = Purpose.BILLING
SUPPORT = Purpose.SUPPORT
PROCESSING = Purpose.PAYMENT_PROCESSING


def log_view(staff: User, customer: Customer, purpose: str, what: str) -> None:
    """One access-log entry per person on the account: ``staff`` saw ``what`` of its billing."""
    for subject_id in customer.people.values_list("subject_id", flat=True):
        record_access(actor=staff, subject_id=subject_id, purpose=purpose, what=what)


def filtered_invoices(form: InvoiceFilter) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("series", "customer").order_by("-created_at", "-id")
    if not form.is_valid():
        return invoices
    status, query = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    if status:
        invoices = invoices.filter(status=status)
    if query:
        by_number = queries.number_lookup(query.upper())
        found = Q(customer__number__iexact=query)
        invoices = invoices.filter(found | by_number if by_number is not None else found)
    return invoices


@require_safe
@staff_page(purpose=BILLING)
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Every invoice, newest first: by status, and by an invoice's or an account's number."""
    form = InvoiceFilter(request.GET or None)
    page = Paginator(filtered_invoices(form), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/staff/invoices.html", {"form": form, "page": page})


@require_safe
@staff_page(purpose=SUPPORT)
def customer_billing(request: HttpRequest, number: str) -> HttpResponse:
    """A customer's billing: in full for the billing purpose; else numbers, amounts, statuses."""
    account = get_object_or_404(Customer, number=number)
    staff = staff_user(request)
    granted = staff_purposes(staff)
    full = BILLING in granted
    log_view(staff, account, BILLING if full else SUPPORT, "billing.account")
    invoices = Invoice.objects.filter(customer=account).select_related("series")
    context: dict[str, Any] = {
        "customer": account,
        "full": full,
        "may_reveal": PROCESSING in granted,
        "page": Paginator(invoices.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
    }
    if full:
        context |= {
            "payments": Payment.objects.filter(customer=account)
            .select_related("invoice__series", "method")
            .order_by("-created_at", "-id")[:PAGE_SIZE],
            "methods": PaymentMethod.objects.filter(customer=account).order_by(
                "status", "-is_default", "-created_at"
            ),
            "credit": queries.Amount(
                queries.credit_balance(account), queries.account_currency(account)
            ),
            "currency": queries.account_currency(account),
            "credit_history": queries.credit_history(account)[:10],
            "balance_due": queries.balance_due(account),
        }
    return render(request, "billing/staff/customer.html", context)


@require_safe
@staff_page(purpose=BILLING)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("series", "customer"), pk=pk)
    log_view(staff_user(request), invoice.customer, BILLING, "billing.invoice")
    context = {
        "invoice": invoice,
        "customer": invoice.customer,
        "lines": invoice.lines.all(),
        "payments": invoice.payments.select_related("method").prefetch_related("refunds"),
        "credit_notes": invoice.credit_notes.select_related("series", "created_by"),
    }
    return render(request, "billing/staff/invoice.html", context)


@require_POST
@staff_page(purpose=PROCESSING)
def reveal_address(request: HttpRequest, pk: int) -> HttpResponse:
    """The billing address of one payment method, shown once on this answer (never kept in
    the session or a URL); ``reveal()`` checks the purpose and writes the audit event."""
    method = get_object_or_404(PaymentMethod.objects.select_related("customer"), pk=pk)
    context: dict[str, Any] = {"method": method, "customer": method.customer}
    try:
        context["address"] = reveal(method, "billing_address", PROCESSING, staff_user(request))
    except RevealDenied:
        context["refused"] = True
    return render(request, "billing/staff/reveal.html", context, status=200)
