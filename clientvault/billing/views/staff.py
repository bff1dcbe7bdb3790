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

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientvault.accounts.models import Customer, User
from clientvault.accounts.services.staff import staff_purposes
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.billing import queries
from clientvault.billing.errors import BillingError
from clientvault.billing.forms.fields import add_billing_error
from clientvault.billing.forms.staff import (
    AddCreditForm,
    CreditNoteForm,
    InvoiceFilter,
    ManualPaymentForm,
    RefundForm,
)
from clientvault.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    format_amount,
)
from clientvault.billing.services.payments import (
    add_credit,
    issue_credit_note,
    record_manual_payment,
    refund_payment,
)
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.services.access import record_access
from clientvault.privacy.taxonomy import Purpose

PAGE_SIZE = 25
BILLING = Purpose.BILLING
SUPPORT = Purpose.SUPPORT
PROCESSING = Purpose.PAYMENT_PROCESSING
# Where a credit note may be issued: an issued invoice not yet cancelled or refunded.
CREDITABLE = (InvoiceStatus.UNPAID, InvoiceStatus.OVERDUE, InvoiceStatus.PAID)


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
        "creditable": invoice.status in CREDITABLE,
    }
    return render(request, "billing/staff/invoice.html", context)


# -- actions on money: a form, one service call, back to the invoice or the account ------------


def _act(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], str],
    done: str,
    page: str,
    context: dict[str, Any],
) -> HttpResponse:
    """On a valid POST, run ``action`` (one service call) with the form's data: its message
    and a redirect to ``done``; a refusal goes on the form, shown again on ``page``."""
    if request.method == "POST" and form.is_valid():
        try:
            message = action(form.cleaned_data)
        except BillingError as error:
            add_billing_error(form, error)
        else:
            messages.success(request, message)
            return redirect(done)
    return render(request, page, context | {"form": form})


def _invoice(pk: int) -> Invoice:
    return get_object_or_404(Invoice.objects.select_related("series", "customer"), pk=pk)


@require_http_methods(["GET", "POST"])
@staff_page(purpose=BILLING)
def manual_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record money received outside the gateway: a bank transfer, a cheque, cash."""
    invoice, staff = _invoice(pk), staff_user(request)
    form = ManualPaymentForm(request.POST or None)

    def record(data: dict[str, Any]) -> str:
        record_manual_payment(
            invoice=invoice, amount=data["amount"], note=data["note"], actor=staff
        )
        paid = format_amount(data["amount"], invoice.currency)
        return f"Recorded a payment of {paid} on {invoice.display_number}."

    done = invoice_url(invoice)
    context = {"invoice": invoice, "customer": invoice.customer, "open": invoice.is_open}
    return _act(request, form, record, done, "billing/staff/manual_payment.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(purpose=BILLING)
def credit_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Credit part or all of an invoice: its balance falls, or (paid) the account gets credit."""
    invoice, staff = _invoice(pk), staff_user(request)
    form = CreditNoteForm(request.POST or None)

    def issue(data: dict[str, Any]) -> str:
        note = issue_credit_note(
            invoice=invoice, amount=data["amount"], reason=data["reason"], actor=staff
        )
        return f"Issued credit note {note.display_number} on {invoice.display_number}."

    context = {
        "invoice": invoice,
        "customer": invoice.customer,
        "creditable": invoice.status in CREDITABLE,
    }
    return _act(
        request, form, issue, invoice_url(invoice), "billing/staff/credit_note.html", context
    )


@require_http_methods(["GET", "POST"])
@staff_page(purpose=BILLING)
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    """Refund part or all of a payment, at most what is left of it to refund."""
    payment = get_object_or_404(
        Payment.objects.select_related("invoice__series", "customer", "method"), pk=pk
    )
    staff, invoice = staff_user(request), payment.invoice
    form = RefundForm(
        request.POST or None, refundable=payment.refundable, currency=payment.currency
    )

    def give_back(data: dict[str, Any]) -> str:
        refund_payment(payment=payment, amount=data["amount"], reason=data["reason"], actor=staff)
        amount = format_amount(data["amount"], payment.currency)
        return f"Refunded {amount} of the payment on {invoice.display_number}."

    context = {
        "payment": payment,
        "invoice": invoice,
        "customer": payment.customer,
        "refundable": payment.refundable,
        "succeeded": payment.status == PaymentStatus.SUCCEEDED,
    }
    return _act(
        request, form, give_back, invoice_url(invoice), "billing/staff/refund.html", context
    )


@require_http_methods(["GET", "POST"])
@staff_page(purpose=BILLING)
def credit_add(request: HttpRequest, number: str) -> HttpResponse:
    """Add credit to an account (a goodwill gesture, money received with no invoice to pay)."""
    account, staff = get_object_or_404(Customer, number=number), staff_user(request)
    form = AddCreditForm(request.POST or None)
    currency = queries.account_currency(account)

    def add(data: dict[str, Any]) -> str:
        add_credit(customer=account, amount=data["amount"], note=data["note"], actor=staff)
        return f"Added {format_amount(data['amount'], currency)} of credit to {account.number}."

    context = {
        "customer": account,
        "credit": queries.Amount(queries.credit_balance(account), currency),
    }
    done = reverse("billing:staff_account", args=[account.number])
    return _act(request, form, add, done, "billing/staff/credit_add.html", context)


def invoice_url(invoice: Invoice) -> str:
    return reverse("billing:staff_invoice", args=[invoice.pk])


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
