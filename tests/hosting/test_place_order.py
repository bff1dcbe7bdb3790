"""place_order and the invoice hooks: an order makes an invoice; once paid, a service and a
registered domain; a cancelled invoice cancels the order."""

from __future__ import annotations

import pytest

from clientvault.billing.models import InvoiceStatus, SubscriptionStatus
from clientvault.billing.services.invoices import cancel_invoice
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    CallAction,
    DomainStatus,
    OrderStatus,
    Service,
    ServiceStatus,
)
from clientvault.hosting.services.orders import OrderLine, place_order
from clientvault.privacy.models import Disclosure
from tests.hosting.support import order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_an_order_makes_an_issued_invoice_and_pending_items(customer, catalogue, servers):
    order = order_hosting(customer)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.invoice.status == InvoiceStatus.UNPAID
    descriptions = [line.description for line in order.invoice.lines.all()]
    assert descriptions == [
        "Shared Plus (monthly) for ada-site.com",
        "ada-site.com: Registration, 1 year",
    ]
    service = order.services.get()
    assert service.status == ServiceStatus.PENDING
    assert order.domains.get().status == DomainStatus.PENDING
    assert run_calls() == 0  # nothing is set up before payment


def test_paying_sets_up_the_service_and_registers_the_domain(
    customer, catalogue, servers, billing_staff
):
    panel, registrar = servers
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert run_calls() == 2
    service = Service.objects.get(order=order)
    assert service.status == ServiceStatus.ACTIVE
    assert service.panel_username
    assert service.subscription.status == SubscriptionStatus.ACTIVE
    assert service.next_due_on == service.subscription.next_invoice_on
    domain = order.domains.get()
    assert domain.status == DomainStatus.ACTIVE
    assert domain.expires_on is not None
    assert [d["name"] for d in registrar.store.domains()] == ["ada-site.com"]
    assert len(panel.store.accounts()) == 1


def test_the_registration_is_one_register_entry_for_the_contact(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    entry = Disclosure.objects.get(subject=customer.subject)
    assert entry.recipient == "Test Registrar Ltd"
    assert entry.recipient_kind == "registrar"
    assert set(entry.categories) <= {
        "user.name",
        "user.contact.email",
        "user.contact.phone_number",
        "user.contact.address",
    }
    assert "ada-site.com" in entry.reference


def test_a_taken_domain_is_refused_before_anything_is_made(customer, catalogue, servers):
    with pytest.raises(HostingError, match="already registered"):
        order_hosting(customer, domain="taken-name.com")
    assert not Service.objects.exists()


def test_an_invalid_domain_names_the_problem(customer, catalogue, servers):
    with pytest.raises(HostingError, match="cannot start or end with a hyphen") as caught:
        order_hosting(customer, domain="-bad.com")
    assert caught.value.field == "domain"


def test_a_transfer_needs_an_auth_code(customer, catalogue, servers):
    with pytest.raises(HostingError, match="auth code") as caught:
        order_hosting(customer, domain="transfer-mine.com", action="transfer")
    assert caught.value.field == "auth_code"


def test_a_transfer_with_an_expired_code_leaves_the_domain_not_registered(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(
        customer, domain="old-code.net", action="transfer", auth_code="EPP-expired-9"
    )
    pay(order.invoice, billing_staff)
    run_calls()
    domain = order.domains.get()
    assert domain.status == DomainStatus.FAILED
    assert "expired" in domain.status_reason.lower()


def test_a_good_transfer_moves_the_domain_in_and_forgets_the_code(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(
        customer, domain="transfer-me.com", action="transfer", auth_code="EPP-good-123"
    )
    pay(order.invoice, billing_staff)
    run_calls()
    domain = order.domains.get()
    assert domain.status == DomainStatus.ACTIVE
    assert str(domain.auth_code) == ""


def test_id_protection_is_refused_where_the_registry_forbids_it(customer, catalogue, servers):
    with pytest.raises(HostingError, match="does not allow ID protection"):
        order_hosting(customer, domain="ada-site.us", id_protection=True)


def test_a_cancelled_invoice_cancels_the_order(customer, catalogue, servers, billing_staff):
    order = order_hosting(customer)
    cancel_invoice(invoice=order.invoice, reason="changed my mind", actor=billing_staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.services.get().status == ServiceStatus.TERMINATED
    assert order.domains.get().status == DomainStatus.CANCELLED


def test_an_addon_needs_no_domain(customer, catalogue, servers, billing_staff):
    order = place_order(
        customer=customer.customer,
        lines=[OrderLine(plan=plan("addon-backup"), domain="ada-site.com")],
        actor=customer.user,
        channel="online",
    )
    pay(order.invoice, billing_staff)
    assert run_calls() == 1
    assert order.services.get().status == ServiceStatus.ACTIVE


def test_a_panel_that_times_out_is_retried_without_a_second_account(
    customer, catalogue, hanging_panel_server, registrar_server, billing_staff
):
    from clientvault.hosting.models import CallStatus, RemoteCall
    from clientvault.hosting.services.calls import perform_call

    order = place_order(
        customer=customer.customer,
        lines=[OrderLine(plan=plan("shared-plus"), domain="slow-site.com")],
        actor=customer.user,
        channel="online",
    )
    pay(order.invoice, billing_staff)
    run_calls()
    call = RemoteCall.objects.get(action=CallAction.CREATE)
    assert call.status == CallStatus.RETRYING
    assert "did not answer" in call.last_error
    assert order.services.get().status == ServiceStatus.PENDING
    perform_call(call.pk)  # the retry, with the same key
    call.refresh_from_db()
    assert call.status == CallStatus.DONE
    assert order.services.get().status == ServiceStatus.ACTIVE
    assert len(hanging_panel_server.store.accounts()) == 1


def test_an_owner_whose_details_the_registrar_cannot_take_is_told_before_ordering(
    customer, catalogue, servers
):
    from clientvault.accounts.models import Person

    Person.objects.filter(pk=customer.pk).update(phone="")
    with pytest.raises(HostingError, match="complete the profile first") as refused:
        order_hosting(customer)
    assert refused.value.field == "domain"
    assert not Service.objects.exists()
