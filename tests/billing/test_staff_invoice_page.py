# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""One invoice in the back office: as issued, with every payment attempt and credit note; for
the billing purpose only, access-logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.billing.models import PaymentStatus
from clientvault.privacy.services.access import accesses_to
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    staff,
    staff_client,
)
from tests.billing.rows import ISSUED_ADDRESS, TOKEN, a_credit_note, a_method, a_payment, an_invoice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(invoice) -> str:
    return reverse("billing:staff_invoice", args=[invoice.pk])


def test_billing_sees_the_invoice_attempts_and_credit_notes(customer, staff_client):
    invoice = an_invoice(customer, credited=300)
    a_payment(
        invoice,
        amount=1200,
        method=a_method(customer),
        status=PaymentStatus.FAILED,
        failure_code="card_declined",
        failure_message="The card was declined.",
    )
    a_credit_note(invoice, amount=300, reason="Outage")

    page = staff_client(StaffRole.BILLING).get(url(invoice)).content.decode()

    assert "Ada Lovelace" in page
    assert ISSUED_ADDRESS.splitlines()[0] in page
    assert "Failed: The card was declined." in page
    assert "CN000001" in page
    assert "EUR 9.00" in page  # balance due
    assert TOKEN not in page


def test_a_view_is_access_logged(customer, staff, staff_client):
    invoice = an_invoice(customer)

    staff_client(StaffRole.BILLING).get(url(invoice))

    seen = list(accesses_to(subject_id=customer.subject_id))
    assert seen[-1].actor_id == f"user:{staff('billing').pk}"
    assert seen[-1].details["what"] == "billing.invoice"


@pytest.mark.parametrize(
    "role", [StaffRole.SUPPORT, StaffRole.PRIVACY_OFFICER, StaffRole.LEGAL, StaffRole.MARKETING]
)
def test_roles_without_billing_never_see_the_issued_address(customer, staff_client, role):
    invoice = an_invoice(customer)

    response = staff_client(role).get(url(invoice))

    assert response.status_code == 403
    assert ISSUED_ADDRESS.splitlines()[0] not in response.content.decode()


def test_an_unknown_invoice_gets_404(staff_client):
    assert (
        staff_client(StaffRole.BILLING).get(reverse("billing:staff_invoice", args=[9])).status_code
        == 404
    )


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.get(url(an_invoice(customer))).status_code == 404
