"""``/api/v1/billing``: the account's invoices, payment methods (token-free) and credit.

Every operation needs the ``billing`` permission on the account (declared in the schema as
``x-clientvault-permission``, so the API access walk covers it): an authorised user without it
gets 403, a staff token 404. Invoices are named by their printed number and found through the
token's own account, so another account's number answers 404, like one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.pagination import paginate

from clientvault.accounts.api import PageOf25, api_person, needs
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.schemas import Error, ValidationErrors
from clientvault.billing import pdf, queries
from clientvault.billing.models import Invoice, PaymentMethod
from clientvault.billing.schemas import (
    CreditEntryOut,
    CreditOut,
    InvoiceOut,
    InvoiceSummary,
    MethodOut,
)

billing_router = Router(tags=["billing"])
BILLING = needs(Permission.BILLING)
HISTORY = 50


def _person(request: HttpRequest) -> Person:
    return api_person(request, Permission.BILLING)


def _invoice(request: HttpRequest, number: str) -> Invoice:
    return queries.invoice_by_number(queries.issued_invoices(_person(request).customer), number)


@billing_router.get(
    "/billing/invoices",
    response={200: list[InvoiceSummary], 403: Error, 404: Error, 422: ValidationErrors},
    summary="Your account's invoices",
    description="Issued invoices, newest first.",
    operation_id="list_invoices",
    openapi_extra=BILLING,
)
@paginate(PageOf25)
def list_invoices(request: HttpRequest) -> QuerySet[Invoice]:
    return queries.issued_invoices(_person(request).customer)


@billing_router.get(
    "/billing/invoices/{number}",
    response={200: InvoiceOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your invoices, as issued",
    description="To whom it was issued, its lines, VAT, payments received and credit notes.",
    operation_id="get_invoice",
    openapi_extra=BILLING,
)
def get_invoice(request: HttpRequest, number: str) -> Invoice:
    return _invoice(request, number)


PDF_ANSWER = {
    "description": "The invoice as issued, as a PDF file",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@billing_router.get(
    "/billing/invoices/{number}/pdf",
    response={403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your invoices as a PDF file",
    description="The file the customer area offers, named by the invoice's number.",
    operation_id="get_invoice_pdf",
    openapi_extra={**BILLING, "responses": {200: PDF_ANSWER}},
)
def get_invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _invoice(request, number)
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.display_number}.pdf"'
    return response


@billing_router.get(
    "/billing/payment-methods",
    response={200: list[MethodOut], 403: Error, 404: Error},
    summary="Your account's payment methods",
    description="Active methods, the default first: kind, brand, last four digits and expiry. "
    "Never a token or an address.",
    operation_id="list_payment_methods",
    openapi_extra=BILLING,
)
def list_payment_methods(request: HttpRequest) -> QuerySet[PaymentMethod]:
    return queries.active_methods(_person(request).customer)


@billing_router.get(
    "/billing/credit",
    response={200: CreditOut, 403: Error, 404: Error},
    summary="Your account's credit and its history",
    description=f"The balance, and the newest {HISTORY} changes of it, newest first.",
    operation_id="get_credit",
    openapi_extra=BILLING,
)
def get_credit(request: HttpRequest) -> CreditOut:
    customer = _person(request).customer
    history = queries.credit_history(customer)[:HISTORY]
    return CreditOut(
        balance=queries.credit_balance(customer),
        currency=queries.account_currency(customer),  # type: ignore[arg-type]
        history=[CreditEntryOut.model_validate(entry) for entry in history],
    )
