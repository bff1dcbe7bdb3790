"""The customer area's billing: the overview, invoices (list, detail, PDF), credit, details.

Every page needs the billing permission (the owner has it; an authorised user without it gets
403), and every invoice is found through the signed-in person's own account, so another
account's number answers 404. A change is one service call, then a redirect with a message; a
refusal is shown on the form field it names.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.billing import pdf, queries
from clientvault.billing.errors import BillingError, PaymentFailed
from clientvault.billing.forms.fields import add_billing_error
from clientvault.billing.forms.invoices import BillingDetailsForm, PayNowForm
from clientvault.billing.models import Invoice, PaymentStatus, format_amount
from clientvault.billing.services.accounts import (
    billing_account_for,
    billing_contact,
    update_billing_details,
)
from clientvault.billing.services.charging import pay_invoice_now

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
        "payments": payments,
        "credit_notes": invoice.credit_notes.select_related("series"),
        "failed": invoice.payments.filter(status=PaymentStatus.FAILED).first(),
        "pending": invoice.payments.filter(status=PaymentStatus.PENDING).exists(),
        "has_methods": queries.active_methods(person.customer).exists(),
    }
    return render(request, "billing/invoice.html", context)


@require_http_methods(["GET", "POST"])
@person_required(BILLING)
def pay(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """Pay an open invoice now with one of the account's payment methods (the default first).

    A decline is shown on the page, in the payment service's words; a charge whose outcome is
    not known yet goes back to the invoice with that news (it is settled later, never twice).
    """
    invoice = own_invoice(person, number)
    if not invoice.is_open:
        messages.info(request, f"Invoice {invoice.display_number} has nothing left to pay.")
        return redirect("billing:invoice", number=invoice.display_number)
    methods = queries.active_methods(person.customer)
    form = PayNowForm(request.POST or None, methods=methods)
    if request.method == "POST" and form.is_valid():
        try:
            payment = pay_invoice_now(
                invoice=invoice, method=form.cleaned_data["method"], actor=acting_user(request)
            )
        except PaymentFailed as failure:
            if failure.code != "pending":
                add_billing_error(form, failure)
            else:
                messages.info(request, failure.text)
                return redirect("billing:invoice", number=invoice.display_number)
        except BillingError as error:
            add_billing_error(form, error)
        else:
            paid = format_amount(payment.amount, payment.currency)
            messages.success(request, f"Thank you: {paid} paid. A receipt is on its way by e-mail.")
            return redirect("billing:invoice", number=invoice.display_number)
    context = {"person": person, "invoice": invoice, "form": form, "methods": methods}
    return render(request, "billing/pay.html", context)


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


@require_safe
@person_required(BILLING)
def invoice_pdf(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """The invoice as issued, as a PDF file to keep (Content-Disposition: attachment)."""
    invoice = own_invoice(person, number)
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.pdf"'
    return response


def billing_people(person: Person) -> QuerySet[Person]:
    """Who may be the billing contact: the owner, and authorised users with billing."""
    people = Person.objects.filter(customer=person.customer).order_by("-role", "created_at")
    allowed = [p.pk for p in people if p.may(BILLING)]
    return people.filter(pk__in=allowed)


@require_http_methods(["GET", "POST"])
@person_required(BILLING)
def details(request: HttpRequest, person: Person) -> HttpResponse:
    """The billing contact invoices are issued to, and the VAT number they carry."""
    settings = billing_account_for(person.customer)  # made on first need, as invoicing does
    contact = billing_contact(settings)
    initial = {"contact": contact.pk if contact else None, "vat_number": settings.vat_number}
    people = billing_people(person)
    form = BillingDetailsForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_billing_details(
                customer=person.customer,
                contact=form.cleaned_data["contact"],
                vat_number=form.cleaned_data["vat_number"],
                actor=acting_user(request),
            )
        except BillingError as error:
            add_billing_error(form, error)
        else:
            messages.success(request, "Saved. The next invoices are issued with these details.")
            return redirect("billing:details")
    return render(request, "billing/details.html", {"person": person, "form": form})
