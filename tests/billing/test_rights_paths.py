# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A billing customer's data through the rights issue's own paths, with nothing changed in
``rights/``: their copy (and an agent's) holds their invoices, payments, credit and payment
methods, never the processor's token; erasure shreds the methods, keeps the invoices with their
amounts and the name and address they were issued to, says so with the legal basis and the end
date, and the retention sweep deletes them once that period has passed.

Who may read the kept invoices afterwards is checked on the back office's billing pages (the
invoice page needs the billing purpose; the customer's billing page shows a role without it
only numbers, amounts and statuses), and where those pages' rules come from: the purposes the
profile grants each role against those the inventory declares for each field, and ``reveal()``
for the restricted ones.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Person, StaffRole, User
from clientvault.accounts.services.staff import require_purpose, staff_purposes
from clientvault.billing.models import (
    BillingAccount,
    CreditEntry,
    Invoice,
    MethodStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)
from clientvault.billing.privacy import TAX_LAW
from clientvault.billing.services.charging import pay_invoice_now
from clientvault.billing.services.methods import add_bank_account
from clientvault.billing.services.payments import add_credit, record_manual_payment
from clientvault.messaging.models import Message
from clientvault.privacy import vault
from clientvault.privacy.actors import SYSTEM, SystemActor
from clientvault.privacy.directory import Contact
from clientvault.privacy.inventory import Erasure, Personal, registry
from clientvault.privacy.models import Disclosure, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.privacy.services.erasure import erase_subject
from clientvault.privacy.services.retention import sweep_retention
from clientvault.rights.models import Export, RightsRequest, Status, Verification
from clientvault.rights.services.intake import Upload, ask_publicly
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.verification import mark_verified, verify_signed_in
from tests.accounts.mailutil import deliver_mail
from tests.accounts.personas import customer, staff, staff_client, teammate  # noqa: F401
from tests.billing.charging_support import an_invoice, real_card
from tests.rights.helpers import a_rights_request, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CHARGING = SystemActor("charging")
IBAN = "DE89370400440532013000"
ISSUED_ADDRESS = "12 Marylebone Road\nNW1 5LR London"
KEPT_INVOICE_FIELDS = ("issued_name", "issued_address", "subtotal", "tax", "total", "amount_paid")


@dataclass
class Billed:
    person: Person
    paid: Invoice
    part_paid: Invoice
    tokens: list[str]


@pytest.fixture
def officer(staff) -> User:
    return staff(StaffRole.PRIVACY_OFFICER)


@pytest.fixture
def billed(customer, gateway_server, staff) -> Billed:
    """Ada: a card (hosted form) and a SEPA mandate, an invoice paid by card, one paid in part
    by bank transfer, and account credit."""
    bea = staff(StaffRole.BILLING)
    card = real_card(customer, gateway_server)
    sepa = add_bank_account(person=customer, iban=IBAN, holder_name="Ada Lovelace", actor=None)
    paid = an_invoice(customer, 2500)
    pay_invoice_now(invoice=paid, method=card, actor=customer.user)
    part_paid = an_invoice(customer, 4000)
    record_manual_payment(invoice=part_paid, amount=1000, note="Bank transfer", actor=bea)
    add_credit(customer=customer.customer, amount=500, note="Goodwill", actor=bea)
    tokens = [str(reveal(m, "token", "payment_processing", CHARGING)) for m in (card, sepa)]
    return Billed(customer, paid, part_paid, tokens)


def records(document: dict[str, Any], label: str) -> list[dict[str, Any]]:
    (found,) = [r for r in document["records"] if r["model"] == label]
    return list(found["rows"])


def cell(row: dict[str, Any], name: str) -> Any:
    assert row["cells"][name]["state"] == "shown", (name, row["cells"][name])
    return row["cells"][name]["value"]


def copy_of(request: RightsRequest) -> dict[str, Any]:
    """The request's work done by the rights job; the copy it made, as the JSON download."""
    run_rights_jobs()
    request.refresh_from_db()
    assert request.status == Status.COMPLETED, request.outcome
    return dict(json.loads(str(Export.objects.get(request=request).document)))


def customers_copy(person: Person) -> dict[str, Any]:
    made = a_rights_request(person, "access")
    verify_signed_in(request=made, actor=person.user)  # type: ignore[arg-type]
    return copy_of(made)


def agents_copy(person: Person, officer: User) -> tuple[RightsRequest, dict[str, Any]]:
    made = ask_publicly(
        ask=Ask(kind="access"),
        person=Contact(name="Ada Lovelace", email="ada@example.com"),
        actor=None,
        agent=Contact(name="Agnes Agent", email="agnes@agents.example"),
        permission=Upload(name="permission.pdf", content=b"%PDF-1.4\n%%EOF\n"),
    )
    mark_verified(request=made, how=Verification.STAFF, actor=officer, reason="Called back")
    return made, copy_of(made)


def erased(person: Person, officer: User) -> RightsRequest:
    """The person's erasure, verified by staff and done by the rights job."""
    made = a_rights_request(person, "erasure")
    mark_verified(request=made, how=Verification.STAFF, actor=officer, reason="Called back")
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.COMPLETED, made.outcome
    return made


# --- the copy ---------------------------------------------------------------------------------


def test_the_copy_holds_the_invoices_as_issued_with_their_amounts(billed):
    document = customers_copy(billed.person)
    invoices = {row["id"]: row for row in records(document, "billing.Invoice")}
    paid = invoices[str(billed.paid.pk)]
    assert cell(paid, "issued_name") == "Ada Lovelace"
    assert cell(paid, "issued_address") == ISSUED_ADDRESS
    assert (cell(paid, "total"), cell(paid, "amount_paid")) == (2500, 2500)
    assert cell(paid, "status") == "paid"
    part = invoices[str(billed.part_paid.pk)]
    assert (cell(part, "total"), cell(part, "amount_paid")) == (4000, 1000)
    lines = records(document, "billing.InvoiceLine")
    assert sorted(cell(row, "amount") for row in lines) == [2500, 4000]


def test_the_copy_holds_the_payments_and_the_credit(billed):
    document = customers_copy(billed.person)
    payments = {cell(row, "kind"): row for row in records(document, "billing.Payment")}
    assert cell(payments[PaymentKind.CHARGE], "amount") == 2500
    assert cell(payments[PaymentKind.CHARGE], "reference").startswith("ch_")
    assert cell(payments[PaymentKind.MANUAL], "note") == "Bank transfer"
    (account,) = records(document, "billing.BillingAccount")
    assert cell(account, "credit") == 500
    (entry,) = records(document, "billing.CreditEntry")
    assert (cell(entry, "amount"), cell(entry, "note")) == (500, "Goodwill")


def test_the_copy_names_each_method_by_brand_last_digits_and_expiry_never_by_token(billed):
    document = customers_copy(billed.person)
    methods = {cell(row, "kind"): row for row in records(document, "billing.PaymentMethod")}
    card, sepa = methods["card"], methods["sepa"]
    assert (cell(card, "brand"), cell(card, "last4")) == ("visa", "4242")
    assert (cell(card, "exp_month"), cell(card, "exp_year")) == (12, 2040)
    assert cell(sepa, "last4") == "3000"
    for row in (card, sepa):
        assert row["cells"]["token"] == {"state": "not_shown", "value": None}
    assert cell(card, "holder_name") == "Ada Lovelace"  # the payer's own name and address
    assert cell(card, "billing_address").startswith("12 Marylebone Road")
    text = json.dumps(document)
    for token in billed.tokens:
        assert token not in text
    assert IBAN not in text


def test_an_agents_copy_has_the_billing_data_and_no_token(billed, officer):
    made, document = agents_copy(billed.person, officer)
    assert made.is_agent
    assert {row["id"] for row in records(document, "billing.Invoice")} == {
        str(billed.paid.pk),
        str(billed.part_paid.pk),
    }
    for row in records(document, "billing.PaymentMethod"):
        assert row["cells"]["token"] == {"state": "not_shown", "value": None}
    text = json.dumps(document)
    assert all(token not in text for token in billed.tokens)
    receipt = Disclosure.objects.get(subject=billed.person.subject, recipient_kind="agent")
    assert "user.financial" in receipt.categories


def test_the_exports_stored_copy_holds_no_token_either(billed, officer):
    customers_copy(billed.person)
    agents_copy(billed.person, officer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT document FROM rights_export")
        stored = [str(row[0]) for row in cursor.fetchall()]
    assert len(stored) == 2
    assert all(token not in text for token in billed.tokens for text in stored)


# --- erasure ----------------------------------------------------------------------------------


def outcome_lines(request: RightsRequest) -> dict[str, dict[str, Any]]:
    return {line["where"]: line for line in request.outcome["lines"]}


def test_erasure_shreds_the_methods_so_the_token_is_unreadable(billed, officer):
    erased(billed.person, officer)
    vault.reset_caches()
    for method in PaymentMethod.objects.all():
        assert isinstance(reveal(method, "token", "payment_processing", CHARGING), vault.Erased)
        assert isinstance(method.holder_name, vault.Restricted | vault.Erased)
        assert (method.brand, method.last4, method.exp_year) == ("", "", None)
        assert (method.status, method.is_default) == (MethodStatus.REMOVED, False)


def test_erasure_keeps_the_invoices_with_amounts_and_the_name_and_address_issued(billed, officer):
    erased(billed.person, officer)
    paid = Invoice.objects.get(pk=billed.paid.pk)
    assert (paid.issued_name, paid.issued_address) == ("Ada Lovelace", ISSUED_ADDRESS)
    assert (paid.total, paid.amount_paid, paid.status) == (2500, 2500, "paid")
    assert Payment.objects.filter(invoice__customer=billed.person.customer).count() == 2
    assert BillingAccount.objects.get(customer=billed.person.customer).credit == 500


def test_the_erasure_report_says_the_invoices_are_kept_by_law_and_until_when(billed, officer):
    made = erased(billed.person, officer)
    days = current_profile().retention["invoices"]
    until = timezone.localdate() + datetime.timedelta(days=days)
    lines = outcome_lines(made)
    for name in KEPT_INVOICE_FIELDS:
        line = lines[f"billing.Invoice.{name}"]
        assert (line["outcome"], line["strategy"], line["why"]) == ("kept", "retain", TAX_LAW)
        assert line["kept_until"] == until.isoformat()
    assert Erasure(lines["billing.Invoice.issued_name"]["strategy"]).label == (
        "Kept for a legal reason, then deleted"
    )
    token = lines["billing.PaymentMethod.token"]
    assert (token["outcome"], token["strategy"]) == ("erased", "shred")
    told = told_on_completion()
    assert f"Billing records: {TAX_LAW} (until {until})" in told
    assert f"Name: {TAX_LAW} (until {until})" in told
    assert f"Postal address: {TAX_LAW} (until {until})" in told


def told_on_completion() -> str:
    """The text of the notice that told the requester the request was done, as sent."""
    deliver_mail()
    (sent,) = Message.objects.filter(kind="rights.completed")
    return str(reveal(sent, "body", "notices", SYSTEM))


# --- who can still read the kept invoices ---------------------------------------------------


def readable(label: str, staff_user: User) -> set[str]:
    """The fields of ``label`` a staff member's role may be shown: those not personal, and the
    personal ones (not restricted) declared for a purpose the profile grants the role."""
    declaration = registry.get(label)
    assert declaration is not None
    granted = staff_purposes(staff_user)
    return {
        name
        for name, spec in declaration.fields.items()
        if not isinstance(spec, Personal)
        or (not spec.restricted and granted.intersection(spec.purposes))
    }


def test_after_erasure_only_billing_reads_the_issued_name_and_support_the_amounts(
    billed, officer, staff
):
    erased(billed.person, officer)
    bea, sam = staff(StaffRole.BILLING), staff(StaffRole.SUPPORT)
    require_purpose(staff=bea, purpose="billing")
    with pytest.raises(PermissionDenied):
        require_purpose(staff=sam, purpose="billing")
    assert set(KEPT_INVOICE_FIELDS) | {"status", "issued_organisation"} <= readable(
        "billing.Invoice", bea
    )
    for_support = readable("billing.Invoice", sam)
    assert {"status", "number", "total", "amount_paid", "subtotal", "tax"} <= for_support
    assert not {"issued_name", "issued_address", "issued_vat_number"} & for_support
    assert not {"amount", "note", "reference"} & readable("billing.Payment", sam)


def test_after_erasure_billings_page_shows_the_kept_invoice_and_supports_only_its_amounts(
    billed, officer, staff_client
):
    erased(billed.person, officer)
    invoice = reverse("billing:staff_invoice", args=[billed.paid.pk])
    account = reverse("billing:staff_account", args=[billed.person.customer.number])
    billing = staff_client(StaffRole.BILLING)
    seen = billing.get(invoice).content.decode()
    assert "Ada Lovelace" in seen
    assert "12 Marylebone Road" in seen
    assert "EUR 25.00" in seen
    support = staff_client(StaffRole.SUPPORT)
    assert support.get(invoice).status_code == 403
    listed = support.get(account)
    assert listed.status_code == 200
    page = listed.content.decode()
    assert billed.paid.display_number in page
    assert "EUR 25.00" in page
    assert "Ada Lovelace" not in page
    assert "Marylebone" not in page
    assert all(token not in page + seen for token in billed.tokens)


def test_nobody_but_payment_processing_reveals_a_method_and_support_never(billed, staff):
    method = PaymentMethod.objects.filter(customer=billed.person.customer).first()
    for field in ("token", "holder_name", "billing_address"):
        with pytest.raises(RevealDenied):
            reveal(method, field, "payment_processing", staff(StaffRole.SUPPORT))
        with pytest.raises(RevealDenied):
            reveal(method, field, "billing", staff(StaffRole.BILLING))
    assert reveal(method, "billing_address", "payment_processing", staff(StaffRole.BILLING))


# --- retention --------------------------------------------------------------------------------


def test_the_sweep_deletes_the_kept_invoices_once_their_period_has_passed(billed, officer):
    erased(billed.person, officer)
    days = current_profile().retention["invoices"]
    subjects = Subject.objects.filter(pk=billed.person.subject_id)
    customer = billed.person.customer
    subjects.update(erased_at=timezone.now() - datetime.timedelta(days=days - 1))
    sweep_retention(dry_run=False, actor=None)
    assert Invoice.objects.filter(customer=customer).count() == 2  # not yet
    assert BillingAccount.objects.get(customer=customer).credit == 500
    subjects.update(erased_at=timezone.now() - datetime.timedelta(days=days + 1))
    swept = sweep_retention(dry_run=False, actor=None)
    assert not Invoice.objects.filter(customer=customer).exists()
    assert not Payment.objects.filter(customer=customer).exists()
    assert not CreditEntry.objects.filter(customer=customer).exists()
    assert not BillingAccount.objects.filter(customer=customer).exists()  # its credit with it
    kept = [line for line in swept if line.model.startswith("billing.") and line.action == "skip"]
    assert kept == []


def test_the_sweep_keeps_the_billing_of_an_account_someone_is_left_on(billed, teammate):
    erase_subject(subject_id=billed.person.subject_id, actor=None, reason="test")
    days = current_profile().retention["invoices"]
    long_ago = timezone.now() - datetime.timedelta(days=days + 1)
    Subject.objects.filter(pk=billed.person.subject_id).update(erased_at=long_ago)
    sweep_retention(dry_run=False, actor=None)
    customer = billed.person.customer
    assert BillingAccount.objects.get(customer=customer).credit == 500
    assert Invoice.objects.filter(customer=customer).count() == 2


def test_the_sweep_deletes_invoices_made_longer_ago_than_the_period_for_anyone(billed):
    days = current_profile().retention["invoices"]
    old = timezone.now() - datetime.timedelta(days=days + 1)
    Invoice.objects.filter(pk=billed.paid.pk).update(created_at=old)
    Payment.objects.filter(invoice=billed.paid).update(created_at=old)
    sweep_retention(dry_run=False, actor=None)
    assert list(Invoice.objects.values_list("pk", flat=True)) == [billed.part_paid.pk]
    assert not Payment.objects.filter(invoice_id=billed.paid.pk).exists()
