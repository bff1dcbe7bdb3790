# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""A payment method's billing address in the back office: only by pressing the button, only for
a role granted payment processing, each reveal audited (like Blesta's log of card views); the
token is never shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.access import accesses_by, accesses_to
from tests.accounts.personas import customer, customer_client, staff, staff_client  # noqa: F401
from tests.billing.rows import ADDRESS, TOKEN, a_method

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(method) -> str:
    return reverse("billing:staff_reveal_address", args=[method.pk])


def test_billing_sees_the_address_once_and_the_reveal_is_audited(customer, staff, staff_client):
    method = a_method(customer)
    billing = staff_client(StaffRole.BILLING)

    response = billing.post(url(method))

    page = response.content.decode()
    assert response.status_code == 200
    for line in ADDRESS.splitlines():
        assert line in page
    assert TOKEN not in page
    reveal = AuditEvent.objects.get(action="reveal")
    assert reveal.actor_id == f"user:{staff('billing').pk}"
    assert reveal.subject_id == customer.subject_id
    assert reveal.purpose == "payment_processing"
    assert reveal.details == {"model": "billing.PaymentMethod", "field": "billing_address"}
    assert list(accesses_by(actor_ref=f"user:{staff('billing').pk}")) == [reveal]
    assert reveal in accesses_to(subject_id=customer.subject_id)


def test_each_press_is_audited_again(customer, staff_client):
    method = a_method(customer)
    billing = staff_client(StaffRole.BILLING)

    billing.post(url(method))
    billing.post(url(method))

    assert AuditEvent.objects.filter(action="reveal").count() == 2


def test_a_link_cannot_reveal_it(customer, staff_client):
    response = staff_client(StaffRole.BILLING).get(url(a_method(customer)))

    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="reveal").exists()


@pytest.mark.parametrize(
    "role",
    [StaffRole.ADMINISTRATOR, StaffRole.SUPPORT, StaffRole.PRIVACY_OFFICER, StaffRole.MARKETING],
)
def test_roles_without_payment_processing_never_see_it(customer, staff_client, role):
    response = staff_client(role).post(url(a_method(customer)))

    page = response.content.decode()
    assert response.status_code == 403
    assert "Processing payments" in page  # the purpose the page needs
    assert ADDRESS.splitlines()[0] not in page
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_an_unknown_method_gets_404(staff_client):
    response = staff_client(StaffRole.BILLING).post(
        reverse("billing:staff_reveal_address", args=[999])
    )

    assert response.status_code == 404


def test_a_customer_gets_404(customer, customer_client):
    assert customer_client.post(url(a_method(customer))).status_code == 404
