"""``/api/v1/billing``: the account's invoices, payment methods (token-free) and credit.

Every operation needs the ``billing`` permission on the account (declared in the schema as
``x-clientvault-permission``, so the API access walk covers it): an authorised user without it
gets 403, a staff token 404. Invoices are named by their printed number and found through the
token's own account, so another account's number answers 404, like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from clientvault.accounts.api import PageOf25, api_person, needs, request_user
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.schemas import Error, ValidationErrors
from clientvault.billing import pdf, queries
from clientvault.billing.errors import PaymentFailed
from clientvault.billing.models import Currency, Invoice, PaymentMethod, PaymentStatus
from clientvault.billing.schemas import (
    CreditEntryOut,
    CreditOut,
    InvoiceOut,
    InvoiceSummary,
    MethodOut,
    PayIn,
    PayOut,
)
from clientvault.billing.services.charging import pay_invoice_now

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


NO_METHOD = "method: choose one of your account's payment methods (/billing/payment-methods)."


def _paying_method(invoice: Invoice, wanted: int | None) -> PaymentMethod:
    methods = queries.active_methods(invoice.customer)
    method = methods.filter(pk=wanted).first() if wanted is not None else methods.first()
    if method is None or (wanted is None and not method.is_default):
        raise ValidationError({"method": [NO_METHOD]})
    return method


@billing_router.post(
    "/billing/invoices/{number}/pay",
    response={
        200: PayOut,
        202: PayOut,
        403: Error,
        404: Error,
        409: Error,
        422: ValidationErrors,
    },
    summary="Pay one of your open invoices now",
    description="Charges the balance due to the payment method given, or to the default. 200: "
    "paid; 202: accepted, its outcome not known yet (it is settled later, never charged "
    "twice: do not pay again); 409: nothing is left to pay; 422: the method is not one of "
    "yours, or the charge was declined (the message says why).",
    operation_id="pay_invoice",
    openapi_extra=BILLING,
)
def pay_invoice(request: HttpRequest, number: str, payload: PayIn) -> tuple[int, PayOut]:
    invoice = _invoice(request, number)
    if not invoice.is_open:
        raise HttpError(409, f"Invoice {invoice.display_number} has nothing left to pay.")
    method = _paying_method(invoice, payload.method)
    try:
        payment = pay_invoice_now(invoice=invoice, method=method, actor=request_user(request))
    except PaymentFailed as failure:
        if failure.code != "pending":
            raise
        waiting = invoice.payments.filter(status=PaymentStatus.PENDING).first()
        amount = waiting.amount if waiting is not None else invoice.balance_due
        return 202, _paid(PaymentStatus.PENDING, amount, invoice.currency, failure.text)
    return 200, _paid(PaymentStatus.SUCCEEDED, payment.amount, payment.currency, PAID)


PAID = "Paid. A receipt is on its way by e-mail."


def _paid(status: PaymentStatus, amount: int, currency: str, message: str) -> PayOut:
    return PayOut(status=status, amount=amount, currency=Currency(currency), message=message)


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
