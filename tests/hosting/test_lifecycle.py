"""Suspension for an unpaid invoice and its end on payment, staff suspension, cancellation,
removal on the panel, and plan changes checked against usage."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.billing.models import InvoiceStatus, SubscriptionStatus
from clientvault.billing.services.dunning import run_dunning
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    Service,
    ServiceStatus,
    StatusReason,
)
from clientvault.hosting.services.lifecycle import (
    cancel_due_services,
    cancel_service,
    change_plan,
    suspend_service,
    unsuspend_service,
)
from tests.hosting.panel_server import set_usage
from tests.hosting.support import SYSTEM, calls, order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def live(customer, catalogue, servers, billing_staff) -> Service:
    """Ada's shared hosting, ordered, paid and set up on the panel."""
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    return Service.objects.get(order=order)


def _late_invoice(service: Service, billing_staff):
    from tests.billing.support import issued

    invoice = issued(service.customer.people.get(role="owner"), 2500)
    invoice.due_on = timezone.localdate() - datetime.timedelta(days=30)
    invoice.save(update_fields=["due_on"])
    return invoice


def _panel_status(panel, service: Service) -> str:
    (account,) = [a for a in panel.store.accounts() if a["service_ref"] == service.reference]
    return account["status"]


def test_dunning_suspends_the_service_on_the_panel(live, servers, billing_staff):
    panel, _ = servers
    _late_invoice(live, billing_staff)
    run_dunning(today=timezone.localdate())
    live.refresh_from_db()
    assert live.status == ServiceStatus.SUSPENDED
    assert live.history.first().reason == StatusReason.UNPAID
    run_calls()
    assert _panel_status(panel, live) == "suspended"


def test_paying_the_invoice_restores_the_service(live, servers, billing_staff):
    panel, _ = servers
    invoice = _late_invoice(live, billing_staff)
    run_dunning(today=timezone.localdate())
    run_calls()
    pay(invoice, billing_staff)
    live.refresh_from_db()
    assert live.status == ServiceStatus.ACTIVE
    assert live.history.first().reason == StatusReason.PAYMENT_RECEIVED
    run_calls()
    assert _panel_status(panel, live) == "active"


def test_a_second_dunning_run_suspends_nothing_more(live, billing_staff):
    _late_invoice(live, billing_staff)
    run_dunning(today=timezone.localdate())
    run_dunning(today=timezone.localdate())
    assert len(calls(action=CallAction.SUSPEND)) == 1


def test_a_payment_does_not_lift_a_staff_suspension(live, servers, billing_staff, staff):
    invoice = _late_invoice(live, billing_staff)
    run_dunning(today=timezone.localdate())
    live.refresh_from_db()
    unsuspend_service(service=live, actor=staff("support"))
    suspend_service(service=live, reason=StatusReason.ABUSE, actor=staff("support"))
    pay(invoice, billing_staff)
    live.refresh_from_db()
    assert live.status == ServiceStatus.SUSPENDED
    assert live.history.first().reason == StatusReason.ABUSE


def test_cancelling_now_stops_billing_and_removes_the_account(live, servers, customer):
    panel, _ = servers
    cancel_service(service=live, when="now", actor=customer.user)
    live.refresh_from_db()
    assert live.status == ServiceStatus.CANCELLED
    assert live.subscription.status == SubscriptionStatus.ENDED
    run_calls()
    live.refresh_from_db()
    assert live.status == ServiceStatus.TERMINATED
    assert _panel_status(panel, live) == "terminated"


def test_cancelling_at_the_end_of_the_term_waits_for_its_last_day(live, customer):
    cancel_service(service=live, when="end_of_term", actor=customer.user)
    live.refresh_from_db()
    assert live.status == ServiceStatus.ACTIVE
    assert live.cancel_on == live.next_due_on
    assert cancel_due_services(today=live.cancel_on - datetime.timedelta(days=1), actor=SYSTEM) == 0
    assert cancel_due_services(today=live.cancel_on, actor=SYSTEM) == 1
    live.refresh_from_db()
    assert live.status == ServiceStatus.CANCELLED
    assert live.history.first().reason == StatusReason.END_OF_TERM


def test_a_cancelled_service_cannot_be_cancelled_again(live, customer):
    cancel_service(service=live, when="now", actor=customer.user)
    with pytest.raises(HostingError, match="already cancelled"):
        cancel_service(service=live, when="now", actor=customer.user)


def test_a_bigger_plan_is_changed_on_the_panel_and_billed_next(live, customer):
    change_plan(service=live, plan=plan("shared-pro"), actor=customer.user)
    run_calls()
    live.refresh_from_db()
    assert live.plan == plan("shared-pro")
    assert live.subscription.price.plan.code == "shared-pro"


def test_a_smaller_plan_than_the_usage_is_refused_with_the_figures(live, servers, customer):
    panel, _ = servers
    set_usage(panel, live.reference, disk_mb=12_000)
    with pytest.raises(HostingError) as refused:
        change_plan(service=live, plan=plan("shared-starter"), actor=customer.user)
    assert refused.value.field == "plan"
    assert "12,000 MB" in refused.value.text
    assert "5,000 MB" in refused.value.text
    assert not calls(action=CallAction.CHANGE_PLAN)


def test_a_panel_that_is_down_leaves_the_call_failed_with_its_reason(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(customer, domain="down-site.com", action="")
    pay(order.invoice, billing_staff)
    for _ in range(6):  # every retry, as the worker would once each delay has passed
        run_calls()
        for call in calls(status=CallStatus.RETRYING):
            call.status = CallStatus.QUEUED
            call.save()
            from clientvault.hosting.services.calls import perform_call

            perform_call(call.pk)
    (call,) = calls(action=CallAction.CREATE)
    assert call.status == CallStatus.FAILED
    assert call.last_error
    assert order.services.get().status == ServiceStatus.PENDING
    assert order.invoice.status == InvoiceStatus.PAID


def test_staff_may_suspend_for_abuse_a_service_already_suspended_for_non_payment(
    live, billing_staff, staff
):
    invoice = _late_invoice(live, billing_staff)
    run_dunning(today=timezone.localdate())
    live.refresh_from_db()
    suspend_service(service=live, reason=StatusReason.ABUSE, actor=staff("support"))
    pay(invoice, billing_staff)
    live.refresh_from_db()
    assert live.status == ServiceStatus.SUSPENDED
    assert live.history.first().reason == StatusReason.ABUSE
