"""Declarations of billing's models (COL-3, USE-2, RET-1).

A payment method keeps only the processor's token, brand, last four digits and expiry; the
token and the billing name and address are sealed for the payer and restricted (``reveal()``
for payment processing only), and the token is never given in a copy of the payer's data
(``shown=False``). Invoices, their lines, payments, refunds and credit notes are
accounting records: erasure keeps them (``retain``) for the profile's ``invoices`` period, and
the retention sweep deletes them once that period has passed since they were made.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

ACCOUNT_ROWS = "customer__people__subject"
TAX_LAW = "accounting records (tax law)"
BILLING = ["billing"]
PAYING = ["billing", "payment_processing"]
PROCESSING = ["payment_processing"]
# An invoice's amounts serve support too: staff who take calls answer "is my invoice paid?"
# from its number, amounts and status, never from the name and address it was issued to.
ANSWERING = ["billing", "support"]


def _kept(category: str, purposes: list[str] = BILLING) -> inv.Personal:
    """Kept by erasure for the accounting period, then deleted by the retention sweep."""
    return inv.personal(
        category, purposes=purposes, erasure="retain", legal_basis=TAX_LAW, retention="invoices"
    )


def _money(what: str, purposes: list[str] = BILLING) -> inv.Personal:
    return _kept("user.financial", purposes)


inv.declare(
    "billing.BillingAccount",
    subject=ACCOUNT_ROWS,
    description="An account's billing settings: currency, billing contact, VAT number, credit",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "currency": inv.not_personal("the account's currency"),
        "contact": inv.not_personal("link to the person invoices are issued to"),
        "vat_number": inv.personal("user.unique_id", purposes=BILLING, erasure="clear"),
        "credit": inv.personal(
            "user.financial",
            purposes=BILLING,
            erasure="retain",
            legal_basis=TAX_LAW,
            retention="invoices",
        ),
        "updated_at": inv.not_personal("when the settings changed"),
    },
)

inv.declare(
    "billing.Plan",
    subject=None,
    description="Plans on sale: nothing personal",
    fields={
        name: inv.not_personal("catalogue")
        for name in ("id", "code", "name", "description", "is_active", "created_at")
    },
)

inv.declare(
    "billing.Price",
    subject=None,
    description="Prices of plans: nothing personal",
    fields={
        name: inv.not_personal("catalogue")
        for name in ("id", "plan", "cycle", "currency", "amount")
    },
)

inv.declare(
    "billing.Subscription",
    subject=ACCOUNT_ROWS,
    description="What each account is billed for, each cycle (COL-7)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "price": inv.not_personal("link to the price"),
        "quantity": inv.personal("user.financial", purposes=BILLING, erasure="delete"),
        "description": inv.personal("user.financial", purposes=BILLING, erasure="delete"),
        "status": inv.not_personal("active or ended"),
        "next_invoice_on": inv.personal("user.financial", purposes=BILLING, erasure="delete"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.InvoiceSeries",
    subject=None,
    description="Invoice and credit-note number series: nothing personal",
    fields={
        name: inv.not_personal("numbering") for name in ("id", "code", "prefix", "next_number")
    },
)

inv.declare(
    "billing.Invoice",
    subject=ACCOUNT_ROWS,
    retention=inv.RowRetention(period="invoices", age_field="created_at"),
    description="Invoices: amounts, and the name and address they were issued to, kept for "
    "the legal period (RET-1)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "series": inv.not_personal("numbering series"),
        "number": inv.not_personal("sequential invoice number"),
        "status": inv.not_personal("where the invoice stands"),
        "currency": inv.not_personal("currency"),
        "issued_name": _kept("user.name"),
        "issued_organisation": _kept("user.workplace"),
        "issued_address": _kept("user.contact.address"),
        "issued_country": _kept("user.contact.address"),
        "issued_vat_number": _kept("user.unique_id"),
        "reverse_charge": inv.not_personal("whether the customer accounts for the VAT"),
        "subtotal": _money("subtotal", ANSWERING),
        "tax": _money("tax", ANSWERING),
        "total": _money("total", ANSWERING),
        "amount_paid": _money("paid", ANSWERING),
        "amount_credited": _money("credited", ANSWERING),
        "issued_at": inv.not_personal("when"),
        "due_on": inv.not_personal("when"),
        "paid_at": inv.not_personal("when"),
        "closed_at": inv.not_personal("when"),
        "period_start": inv.not_personal("the period billed"),
        "period_end": inv.not_personal("the period billed"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.InvoiceLine",
    subject="invoice__customer__people__subject",
    description="What an invoice bills for (its rows go with their invoice)",
    fields={
        "id": inv.not_personal("row id"),
        "invoice": inv.not_personal("link to the invoice"),
        "description": _kept("user.financial"),
        "quantity": _money("quantity"),
        "unit_amount": _money("unit price"),
        "tax_rate": inv.not_personal("tax rate"),
        "amount": _money("amount"),
        "subscription": inv.not_personal("link to the subscription billed"),
    },
)

inv.declare(
    "billing.CreditNote",
    subject="invoice__customer__people__subject",
    retention=inv.RowRetention(period="invoices", age_field="created_at"),
    description="Credit notes against invoices",
    fields={
        "id": inv.not_personal("row id"),
        "invoice": inv.not_personal("link to the invoice"),
        "series": inv.not_personal("numbering series"),
        "number": inv.not_personal("sequential number"),
        "amount": _money("amount"),
        "reason": _kept("user.financial"),
        "to_credit": inv.not_personal("whether it became account credit"),
        "created_by": inv.not_personal("link to the staff login"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.GatewayCustomer",
    subject=ACCOUNT_ROWS,
    description="The account's customer reference at the payment gateway",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "gateway": inv.not_personal("which gateway"),
        "reference": inv.personal("user.unique_id", purposes=PROCESSING, erasure="delete"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.PaymentMethod",
    subject="payer__subject",
    # Erasure shreds the token and empties what identifies the card; the method is then removed,
    # so nothing tries to charge it.
    on_erasure="clientvault.billing.services.methods.retire_erased_payers_methods",
    description="Payment methods: the processor's token, brand, last four digits and expiry; "
    "never a card number or CVC (COL-3, USE-2)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "payer": inv.not_personal("link to the person who added it"),
        "gateway": inv.not_personal("which gateway holds it"),
        "kind": inv.not_personal("card, SEPA mandate or wallet"),
        # Held, never shown, not even in the payer's own copy of their data: with the
        # operator's key the token charges the card, so a copy (a ZIP e-mailed to an agent, a
        # PDF left in a download folder) would carry a way to pay with it. The copy says a
        # token is held; brand, last four digits and expiry identify the card to its owner.
        "token": inv.personal(
            "user.financial.credit_card", purposes=PROCESSING, erasure="shred", shown=False
        ),
        "holder_name": inv.personal("user.name", purposes=PROCESSING, erasure="shred"),
        "billing_address": inv.personal(
            "user.contact.address", purposes=PROCESSING, erasure="shred"
        ),
        "brand": inv.personal("user.financial", purposes=PAYING, erasure="delete"),
        "last4": inv.personal("user.financial", purposes=PAYING, erasure="delete"),
        "exp_month": inv.personal("user.financial", purposes=PAYING, erasure="delete"),
        "exp_year": inv.personal("user.financial", purposes=PAYING, erasure="delete"),
        "is_default": inv.not_personal("whether it is the account's default"),
        "status": inv.not_personal("active or removed"),
        "expiry_notice_sent_on": inv.not_personal("when the expiry notice went"),
        "created_at": inv.not_personal("when"),
        "removed_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.SetupSession",
    subject="payer__subject",
    retention=inv.RowRetention(period="task_results", age_field="created_at"),
    description="Visits to the gateway's hosted form to add a payment method",
    fields={
        "id": inv.not_personal("random id"),
        "customer": inv.not_personal("link to the account"),
        "payer": inv.not_personal("link to the person adding it"),
        "gateway": inv.not_personal("which gateway"),
        "kind": inv.not_personal("card, SEPA mandate or wallet"),
        "reference": inv.personal("user.unique_id", purposes=PROCESSING, erasure="delete"),
        "status": inv.not_personal("open, complete or expired"),
        "method": inv.not_personal("link to the method added"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.Payment",
    subject=ACCOUNT_ROWS,
    retention=inv.RowRetention(period="invoices", age_field="created_at"),
    description="Payments and charge attempts, kept with the invoices (RET-1)",
    fields={
        "id": inv.not_personal("row id"),
        "invoice": inv.not_personal("link to the invoice"),
        "customer": inv.not_personal("link to the account"),
        "kind": inv.not_personal("charge, manual or credit"),
        "status": inv.not_personal("pending, succeeded or failed"),
        "method": inv.not_personal("link to the payment method"),
        "amount": _money("amount"),
        "currency": inv.not_personal("currency"),
        "amount_refunded": _money("refunded"),
        "attempt": inv.not_personal("attempt number"),
        "attempted_on": inv.not_personal("the billing day of a charge attempt"),
        "idempotency_key": inv.not_personal("random key the gateway deduplicates by"),
        "reference": _kept("user.financial"),
        "failure_code": inv.not_personal("the gateway's code from a fixed list"),
        "failure_message": _kept("user.financial"),
        "note": _kept("user.financial"),
        "recorded_by": inv.not_personal("link to the staff login"),
        "created_at": inv.not_personal("when"),
        "settled_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.Refund",
    subject="payment__customer__people__subject",
    retention=inv.RowRetention(period="invoices", age_field="created_at"),
    description="Refunds of payments",
    fields={
        "id": inv.not_personal("row id"),
        "payment": inv.not_personal("link to the payment"),
        "amount": _money("amount"),
        "reason": _kept("user.financial"),
        "reference": _kept("user.financial"),
        "idempotency_key": inv.not_personal("random key the gateway deduplicates by"),
        "created_by": inv.not_personal("link to the staff login"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.CreditEntry",
    subject=ACCOUNT_ROWS,
    retention=inv.RowRetention(period="invoices", age_field="created_at"),
    description="Changes of an account's credit",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "amount": _money("amount"),
        "balance_after": _money("balance"),
        "reason": inv.not_personal("why, from a fixed list"),
        "invoice": inv.not_personal("link to the invoice"),
        "note": _kept("user.financial"),
        "created_at": inv.not_personal("when"),
    },
)

inv.declare(
    "billing.WebhookEvent",
    subject=None,
    retention=inv.RowRetention(period="invoices", age_field="received_at"),
    description="Gateway events received, by id (so a replay changes nothing): no personal data",
    fields={
        "id": inv.not_personal("row id"),
        "gateway": inv.not_personal("which gateway"),
        "event_id": inv.not_personal("the gateway's event id"),
        "kind": inv.not_personal("event kind"),
        "received_at": inv.not_personal("when"),
        "outcome": inv.not_personal("what it changed, as ids and codes"),
    },
)

inv.declare(
    "billing.DunningStep",
    subject="invoice__customer__people__subject",
    description="Dunning steps taken for an invoice",
    fields={
        "id": inv.not_personal("row id"),
        "invoice": inv.not_personal("link to the invoice"),
        "step": inv.not_personal("which step, from a fixed list"),
        "taken_at": inv.not_personal("when"),
    },
)
