"""Shared set-up for hosting's tests: the catalogue, services and domains in each state, and
running the queued panel and registrar calls.

The fixtures are offered to every test here by ``tests/hosting/conftest.py``:

- ``catalogue``: the standard products, plans and domain prices (EUR).
- ``customer`` (Ada, UK), ``outsider`` (Otto, DE), ``teammate`` (billing and support only),
  ``staff`` (a factory by role): the personas of tests/accounts/personas.py.
- ``panel_server`` / ``registrar_server``: the local test control panel and test registrar,
  running on free ports, the settings pointing at them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from clientvault.accounts.models import Person
from clientvault.billing.models import Invoice, InvoiceStatus
from clientvault.billing.services.payments import record_manual_payment
from clientvault.hosting.models import (
    CallStatus,
    Domain,
    DomainAction,
    DomainStatus,
    HostingPlan,
    RemoteCall,
    Service,
    ServiceStatus,
)
from clientvault.hosting.services.calls import run_remote_call
from clientvault.hosting.services.contacts import contact_for_person
from clientvault.hosting.services.orders import OrderLine, place_order
from clientvault.privacy.actors import SystemActor
from tests.accounts.mailutil import run_queued

SYSTEM = SystemActor("tests")


def plan(code: str = "shared-plus") -> HostingPlan:
    return HostingPlan.objects.select_related("product", "billing_plan").get(
        billing_plan__code=code
    )


def run_calls() -> int:
    """Run every call job that is due now, as the worker would; how many ran."""
    return run_queued(run_remote_call)


def calls(**filters: object) -> list[RemoteCall]:
    return list(RemoteCall.objects.filter(**filters).order_by("created_at"))


def pay(invoice: Invoice, staff_user: object) -> Invoice:
    invoice.refresh_from_db()
    if invoice.status in (InvoiceStatus.UNPAID, InvoiceStatus.OVERDUE):
        record_manual_payment(
            invoice=invoice, amount=invoice.balance_due, note="bank transfer", actor=staff_user
        )
    invoice.refresh_from_db()
    return invoice


def order_hosting(
    person: Person,
    *,
    domain: str = "ada-site.com",
    code: str = "shared-plus",
    action: str = DomainAction.REGISTER,
    **line: object,
):
    """Ada orders a plan with a domain (registered by default) through the real service."""
    return place_order(
        customer=person.customer,
        lines=[OrderLine(plan=plan(code), domain=domain, domain_action=action, **line)],
        actor=person.user,
        channel="online",
    )


def make_service(
    person: Person,
    *,
    status: str = ServiceStatus.ACTIVE,
    code: str = "shared-plus",
    domain: str = "ada-site.com",
    due_in_days: int = 20,
) -> Service:
    """A service in ``status`` made directly (no order, no panel): for pages and hooks."""
    return Service.objects.create(
        customer=person.customer,
        plan=plan(code),
        cycle="monthly",
        status=status,
        domain=domain,
        panel_username=domain.split(".")[0][:8] if status != ServiceStatus.PENDING else "",
        next_due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )


def make_domain(
    person: Person,
    name: str = "ada-site.com",
    *,
    status: str = DomainStatus.ACTIVE,
    expires_in_days: int = 300,
) -> Domain:
    """A domain in ``status`` made directly, all four contacts the owner's own."""
    contact = contact_for_person(person=person, actor=SYSTEM)
    return Domain.objects.create(
        customer=person.customer,
        subject_id=person.subject_id,
        name=name,
        action=DomainAction.REGISTER,
        status=status,
        expires_on=timezone.localdate() + datetime.timedelta(days=expires_in_days),
        registrant=contact,
        admin=contact,
        tech=contact,
        billing=contact,
    )


def failed_calls() -> list[RemoteCall]:
    return calls(status=CallStatus.FAILED)
