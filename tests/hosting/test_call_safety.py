"""What must not go wrong between clientvault and the panel or registrar: calls for one service
reach it in order, a cancelled set-up leaves no account behind, a retried registration that went
through is kept, a failure here never stays "in progress" nor undoes a payment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clientvault.billing.models import InvoiceStatus, Price
from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    DomainStatus,
    OrderStatus,
    RemoteCall,
    Service,
    ServiceStatus,
)
from clientvault.hosting.services.calls import perform_call, queue_call
from clientvault.hosting.services.domains import renew_domain, renew_due_domains, retry_registration
from clientvault.hosting.services.lifecycle import cancel_service, change_plan
from clientvault.privacy.models import AuditEvent
from tests.hosting.support import SYSTEM, calls, make_service, order_hosting, pay, plan, run_calls

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _waiting_to_retry(call: RemoteCall) -> None:
    call.status = CallStatus.RETRYING
    call.retry_at = timezone.now() + datetime.timedelta(minutes=30)
    call.save()


def test_a_later_call_waits_for_an_earlier_one_of_the_same_service(customer, catalogue):
    service = make_service(customer)
    suspend = queue_call(service=service, action=CallAction.SUSPEND, actor=SYSTEM)
    _waiting_to_retry(suspend)
    unsuspend = queue_call(service=service, action=CallAction.UNSUSPEND, actor=SYSTEM)
    assert perform_call(unsuspend.pk) == ""
    unsuspend.refresh_from_db()
    assert (unsuspend.status, unsuspend.attempts) == (CallStatus.QUEUED, 0)


def test_calls_of_other_services_do_not_wait(customer, catalogue, panel_server):
    first = make_service(customer)
    _waiting_to_retry(queue_call(service=first, action=CallAction.SUSPEND, actor=SYSTEM))
    other = make_service(customer, domain="other-site.com", status=ServiceStatus.PENDING)
    create = queue_call(service=other, action=CallAction.CREATE, actor=SYSTEM)
    assert perform_call(create.pk) == CallStatus.DONE


def test_cancelling_while_the_set_up_is_under_way_removes_the_account(
    customer, catalogue, servers, billing_staff
):
    panel, _ = servers
    order = order_hosting(customer, action="")
    pay(order.invoice, billing_staff)  # the create call is queued, not yet sent
    service = order.services.get()
    cancel_service(service=service, when="now", actor=customer.user)
    assert [c.action for c in calls(service=service)] == [CallAction.CREATE, CallAction.TERMINATE]
    run_calls()
    run_calls()  # the removal, once the creation went first
    service.refresh_from_db()
    assert service.status == ServiceStatus.TERMINATED
    assert [a["status"] for a in panel.store.accounts()] == ["terminated"]


def test_a_registration_that_went_through_late_is_kept_on_retry(
    customer, catalogue, panel_server, impatient_registrar_server, billing_staff
):
    order = order_hosting(customer, domain="slow-late.com")
    pay(order.invoice, billing_staff)
    run_calls()  # the registrar answers after the client gave up; it did register
    (call,) = calls(action=CallAction.REGISTER)
    call.status, call.last_error = CallStatus.FAILED, "The registrar did not answer."
    call.save()
    domain = order.domains.get()
    domain.status = DomainStatus.FAILED
    domain.save()
    retry_registration(domain=domain, auth_code="", actor=customer.user)
    impatient_registrar_server.config.hang_seconds = 0
    perform_call(call.pk)
    domain.refresh_from_db()
    assert domain.status == DomainStatus.ACTIVE
    assert len(calls(action=CallAction.REGISTER)) == 1


def test_an_outcome_that_cannot_be_recorded_fails_the_call_with_a_reason(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(customer, action="")
    pay(order.invoice, billing_staff)
    run_calls()
    service = Service.objects.get(order=order)
    change_plan(service=service, plan=plan("shared-pro"), actor=customer.user)
    Price.objects.filter(plan__code="shared-pro").delete()
    run_calls()
    (call,) = calls(action=CallAction.CHANGE_PLAN)
    assert call.status == CallStatus.FAILED
    assert "could not be recorded here" in call.last_error


def test_a_plan_without_a_price_in_the_services_cycle_is_refused(customer, catalogue, servers):
    service = make_service(customer)
    from clientvault.hosting.services.orders import _start_billing

    _start_billing(service, timezone.localdate())
    Price.objects.filter(plan__code="shared-pro", cycle="monthly").delete()
    from clientvault.hosting.errors import HostingError

    with pytest.raises(HostingError) as refused:
        change_plan(service=service, plan=plan("shared-pro"), actor=customer.user)
    assert refused.value.field == "plan"


def test_a_failed_set_up_never_undoes_the_payment(customer, catalogue, servers, billing_staff):
    order = order_hosting(customer, action="")
    Price.objects.filter(plan__code="shared-plus").delete()  # gone since the order
    paid = pay(order.invoice, billing_staff)
    assert paid.status == InvoiceStatus.PAID
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert AuditEvent.objects.filter(action="order.setup_failed").exists()


def test_a_paid_renewal_the_registrar_has_not_made_is_not_billed_again(
    customer, catalogue, servers, billing_staff
):
    order = order_hosting(customer)
    pay(order.invoice, billing_staff)
    run_calls()
    domain = order.domains.get()
    renewal = renew_domain(domain=domain, years=1, actor=customer.user)
    pay(renewal.invoice, billing_staff)
    (renew,) = calls(action=CallAction.RENEW)
    renew.status = CallStatus.FAILED
    renew.save()
    soon = domain.expires_on - datetime.timedelta(days=5)
    assert renew_due_domains(today=soon, actor=SYSTEM) == 0
