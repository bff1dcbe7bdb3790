"""The notices billing sends (USE-6), declared with messaging (see messaging.kinds).

Each is service mail: it goes to the account's billing contact whatever their marketing choice,
is queued in the transaction that makes the change it tells of, and has its client-log entry.
Amounts are formatted text ("EUR 12.34"); no card number, token or IBAN is ever a value here
(a payment method is named by its brand and last four digits only).
"""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category

SERVICE = Category.SERVICE

INVOICE_ISSUED = declare(
    "billing.invoice_issued",
    category=SERVICE,
    headline="Your invoice {{ number }}",
    text_template="billing/email/invoice_issued.txt",
    variables=["number", "total", "due", "balance", "area_url"],
    description="An invoice was issued to the account.",
)
PAYMENT_RECEIVED = declare(
    "billing.payment_received",
    category=SERVICE,
    headline="Payment received for invoice {{ number }}",
    text_template="billing/email/payment_received.txt",
    variables=["number", "amount", "balance", "area_url"],
    description="A payment of an invoice was received.",
)
PAYMENT_FAILED = declare(
    "billing.payment_failed",
    category=SERVICE,
    headline="Payment of invoice {{ number }} failed",
    text_template="billing/email/payment_failed.txt",
    variables=["number", "amount", "reason", "area_url"],
    description="A charge for an invoice was declined or could not be made.",
)
CARD_EXPIRING = declare(
    "billing.card_expiring",
    category=SERVICE,
    headline="Your payment card expires soon",
    text_template="billing/email/card_expiring.txt",
    variables=["method", "expires", "area_url"],
    description="The account's default payment card expires before the next invoice.",
)
PAYMENT_REMINDER = declare(
    "billing.payment_reminder",
    category=SERVICE,
    headline="Reminder: invoice {{ number }} is unpaid",
    text_template="billing/email/payment_reminder.txt",
    variables=["number", "balance", "days", "area_url"],
    description="An invoice is still unpaid some days after its due date (dunning).",
)
SERVICES_SUSPENDED = declare(
    "billing.services_suspended",
    category=SERVICE,
    headline="Your services are suspended: invoice {{ number }} is unpaid",
    text_template="billing/email/services_suspended.txt",
    variables=["number", "balance", "area_url"],
    description="An invoice stayed unpaid past the suspension day; the account's services "
    "are suspended until it is paid.",
)
