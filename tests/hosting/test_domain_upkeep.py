"""Renewal (an invoice first, the registrar once paid), auto-renewal ahead of expiry, letting a
domain expire, ID protection where the registry allows it, and the auth code to leave."""

from __future__ import annotations

import datetime

import pytest

from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import CallAction, Domain, DomainStatus, OrderStatus
from clientvault.hosting.services.domains import (
    auth_code_for_transfer_out,
    expire_domains,
    renew_domain,
    renew_due_domains,
    retry_registration,
    set_id_protection,
)
from tests.hosting.support import SYSTEM, calls, order_hosting, pay, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def domain(customer, catalogue, servers, billing_staff) -> Domain:
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return order.domains.get()


def test_renewing_invoices_first_and_renews_once_paid(domain, customer, billing_staff):
    was = domain.expires_on
    order = renew_domain(domain=domain, years=2, actor=customer.user)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not calls(action=CallAction.RENEW)
    pay(order.invoice, billing_staff)
    run_calls()
    domain.refresh_from_db()
    assert domain.expires_on.year == was.year + 2


def test_a_second_renewal_waits_for_the_first_invoice(domain, customer):
    renew_domain(domain=domain, years=1, actor=customer.user)
    with pytest.raises(HostingError, match="already waiting for payment"):
        renew_domain(domain=domain, years=1, actor=customer.user)


def test_auto_renewal_invoices_once_within_thirty_days(domain):
    soon = domain.expires_on - datetime.timedelta(days=10)
    assert renew_due_domains(today=soon, actor=SYSTEM) == 1
    assert renew_due_domains(today=soon, actor=SYSTEM) == 0


def test_a_domain_past_its_expiry_is_marked_expired(domain):
    domain.auto_renew = False
    domain.save()
    after = domain.expires_on + datetime.timedelta(days=1)
    assert expire_domains(today=after, actor=SYSTEM) == 1
    domain.refresh_from_db()
    assert domain.status == DomainStatus.EXPIRED


def test_id_protection_is_turned_on_at_the_registrar(domain, customer, servers):
    _, registrar = servers
    set_id_protection(domain=domain, enabled=True, actor=customer.user)
    run_calls()
    domain.refresh_from_db()
    assert domain.id_protection is True
    (held,) = registrar.store.domains()
    assert held["id_protection"]


def test_id_protection_is_refused_where_the_registry_forbids_it(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(customer, domain="ada-site.us")
    pay(order.invoice, billing_staff)
    run_calls()
    with pytest.raises(HostingError, match="does not allow ID protection"):
        set_id_protection(domain=order.domains.get(), enabled=True, actor=customer.user)


def test_the_auth_code_to_leave_is_fetched_and_never_kept(domain, customer):
    code = auth_code_for_transfer_out(domain=domain, actor=customer.user)
    assert code
    domain.refresh_from_db()
    assert str(domain.auth_code) == ""


def test_a_failed_transfer_is_tried_again_with_a_new_code(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(
        customer, domain="transfer-again.com", action="transfer", auth_code="EPP-wrong"
    )
    pay(order.invoice, billing_staff)
    run_calls()
    failed = order.domains.get()
    assert failed.status == DomainStatus.FAILED
    retry_registration(domain=failed, auth_code="EPP-good-123", actor=customer.user)
    run_calls()
    failed.refresh_from_db()
    assert failed.status == DomainStatus.ACTIVE
    assert failed.status_reason == ""
