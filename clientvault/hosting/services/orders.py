"""Orders: hosting and domains asked for, invoiced through billing, set up once paid.

:func:`place_order` checks every line first (the plan and its price, the domain name by IDNA
2008, whether it is free at the registrar or, for a transfer, that an auth code is given, and
whether the registry allows ID protection), then in one transaction makes the order, its
pending services and domains and the invoice, and issues it. Billing calls :func:`order_paid`
when the invoice is paid (in that transaction): each service gets its subscription and a panel
call, each domain a registrar call. A cancelled invoice cancels its order.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.accounts.models import ClientLogEvent, Customer, PersonRole, User
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.models import Cycle, Subscription
from clientvault.billing.services.accounts import billing_account_for, channel_for
from clientvault.billing.services.invoices import LineInput, create_invoice, issue_invoice
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    HELD_STATUSES,
    CallAction,
    Domain,
    DomainAction,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
    HostingPlan,
    Order,
    OrderStatus,
    Service,
    ServiceStatus,
)
from clientvault.hosting.models import StatusReason as Why
from clientvault.hosting.names import clean_domain_name, display_name
from clientvault.hosting.registrars.base import RegistrarError
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.services.calls import queue_call
from clientvault.hosting.services.catalogue import domain_price, plan_price
from clientvault.hosting.services.contacts import clean_contact, contact_for_person, person_values
from clientvault.hosting.services.handover import tld_policy
from clientvault.hosting.services.status import (
    lock_service,
    move_service,
    remember_status,
)
from clientvault.privacy.actors import Actor, SystemActor
from clientvault.privacy.services.audit import record_event

ORDERS = SystemActor("orders")
logger = logging.getLogger(__name__)
AUTH_CODE_LIMIT = 64


@dataclass(frozen=True)
class OrderLine:
    """One thing ordered: a plan (and the domain it serves), or a domain name on its own."""

    plan: HostingPlan | None = None
    cycle: str = Cycle.MONTHLY
    domain: str = ""
    # "register" or "transfer" a new domain; "" to serve a domain held elsewhere (or none).
    domain_action: str = ""
    auth_code: str = ""
    years: int = 1
    id_protection: bool = False


@dataclass(frozen=True)
class _Checked:
    line: OrderLine
    domain: str  # A-labels, "" for none


# -- checking --------------------------------------------------------------------------------------


def _check_plan(line: OrderLine, currency: str) -> None:
    if line.plan is None:
        return
    if not line.plan.is_active:
        raise HostingError(f"{line.plan.name} is no longer sold.", field="plan")
    if line.cycle not in Cycle.values:
        raise HostingError("Choose a billing cycle.", field="cycle")
    plan_price(line.plan, cycle=line.cycle, currency=currency)
    if line.plan.product.needs_domain and not line.domain.strip():
        raise HostingError(f"{line.plan.product} needs the domain it serves.", field="domain")


def _check_taken_here(name: str) -> None:
    if Domain.objects.filter(name=name, status__in=HELD_STATUSES).exists():
        raise HostingError(
            f"{display_name(name)} is already on an account here.", field="domain", code="taken"
        )


def _check_free(name: str) -> None:
    try:
        answer = current_registrar().check(name)
    except RegistrarError as error:
        raise HostingError(
            f"We could not check {display_name(name)} at the registrar: {error.reason} "
            "Nothing was ordered; try again in a few minutes.",
            field="domain",
            code="unavailable",
        ) from None
    if not answer.available:
        raise HostingError(
            f"{display_name(name)} is already registered. If it is yours, transfer it in "
            "with its auth code.",
            field="domain",
            code="taken",
        )


def _check_transfer(line: OrderLine) -> None:
    code = line.auth_code.strip()
    if not code:
        raise HostingError("A transfer needs the domain's auth code (EPP code).", field="auth_code")
    if len(code) > AUTH_CODE_LIMIT or not code.isprintable() or " " in code:
        raise HostingError(
            "That does not look like an auth code: it is one word of letters, digits and "
            "signs, as the current registrar gave it.",
            field="auth_code",
        )


def _check_years(line: OrderLine, name: str) -> None:
    policy = tld_policy(name.rsplit(".", 1)[-1])
    low, high = (policy.min_years, policy.max_years) if policy else (1, 10)
    if not low <= line.years <= high:
        raise HostingError(f"Register for {low} to {high} years.", field="years")
    if line.id_protection and policy is not None and not policy.id_protection_allowed:
        raise HostingError(
            f"The .{policy.tld} registry does not allow ID protection: its registrants' "
            "details are public.",
            field="id_protection",
        )


def _check_domain(line: OrderLine, currency: str) -> str:
    if not line.domain.strip():
        return ""
    name = clean_domain_name(line.domain)
    if line.domain_action not in DomainAction.values:
        return name  # served by this plan, registered elsewhere
    domain_price(tld=name.rsplit(".", 1)[-1], currency=currency)
    _check_taken_here(name)
    _check_years(line, name)
    if line.domain_action == DomainAction.TRANSFER:
        _check_transfer(line)
    else:
        _check_free(name)
    return name


def _check_owner_contact(customer: Customer) -> None:
    """A new domain's contacts start as the owner's details: the registrar needs them whole."""
    owner = customer.people.select_related("customer").filter(role=PersonRole.OWNER).first()
    if owner is None:
        raise HostingError("The account has no owner to hold the domain.", field="domain")
    try:
        clean_contact(person_values(owner))
    except HostingError as error:
        raise HostingError(
            "The owner's details become the new domain's contacts, and one is missing or "
            f"wrong ({error.text}): complete the profile first.",
            field="domain",
        ) from None


def check_lines(*, customer: Customer, lines: Sequence[OrderLine]) -> list[_Checked]:
    if not lines:
        raise HostingError("Choose what to order.", field="plan")
    currency = billing_account_for(customer).currency
    checked = []
    for line in lines:
        if line.plan is None and line.domain_action not in DomainAction.values:
            raise HostingError("Choose a plan, or a domain to register.", field="plan")
        _check_plan(line, currency)
        checked.append(_Checked(line, _check_domain(line, currency)))
    if any(c.domain and c.line.domain_action for c in checked):
        _check_owner_contact(customer)
    names = [c.domain for c in checked if c.domain and c.line.domain_action]
    if len(names) != len(set(names)):
        raise HostingError("The order names the same domain twice.", field="domain")
    return checked


# -- placing ---------------------------------------------------------------------------------------


def _invoice_lines(checked: Sequence[_Checked], currency: str) -> list[LineInput]:
    lines = []
    for item in checked:
        line = item.line
        if line.plan is not None:
            price = plan_price(line.plan, cycle=line.cycle, currency=currency)
            served = f" for {display_name(item.domain)}" if item.domain else ""
            label = Cycle(line.cycle).label.lower()
            lines.append(LineInput(f"{line.plan.name} ({label}){served}", 1, price.amount))
        if item.domain and line.domain_action in DomainAction.values:
            price = domain_price(tld=item.domain.rsplit(".", 1)[-1], currency=currency)
            what = DomainAction(line.domain_action).label
            years = f"{line.years} year{'s' if line.years > 1 else ''}"
            lines.append(
                LineInput(f"{display_name(item.domain)}: {what}, {years}", line.years, price.amount)
            )
    return lines


def _make_domain(order: Order, item: _Checked, actor: Actor) -> Domain:
    owner = order.customer.people.select_related("customer").get(role=PersonRole.OWNER)
    contact = contact_for_person(person=owner, actor=actor)  # all four roles, to start with
    domain = Domain(
        customer=order.customer,
        order=order,
        subject_id=owner.subject_id,
        name=item.domain,
        action=item.line.domain_action,
        years=item.line.years,
        id_protection=item.line.id_protection,
        registrant=contact,
        admin=contact,
        tech=contact,
        billing=contact,
    )
    domain.auth_code = item.line.auth_code.strip()
    domain.save()
    DomainEvent.objects.create(domain=domain, kind=DomainEventKind.ORDERED, at=timezone.now())
    return domain


def _make_service(order: Order, item: _Checked, actor: Actor) -> Service:
    assert item.line.plan is not None
    service = Service.objects.create(
        customer=order.customer,
        order=order,
        plan=item.line.plan,
        cycle=item.line.cycle,
        domain=item.domain,
    )
    remember_status(service, "", ServiceStatus.PENDING, Why.ORDERED, actor)
    return service


def place_order(
    *, customer: Customer, lines: Sequence[OrderLine], actor: Actor, channel: str
) -> Order:
    """Check the lines, make the order with its services, domains and invoice, issue it."""
    checked = check_lines(customer=customer, lines=lines)
    currency = billing_account_for(customer).currency
    try:
        return _place(customer, checked, currency, actor, channel)
    except IntegrityError:  # the same name ordered twice at once (a double click)
        raise HostingError(
            "One of these domain names was ordered on an account here a moment ago.",
            field="domain",
            code="taken",
        ) from None


def _place(
    customer: Customer, checked: Sequence[_Checked], currency: str, actor: Actor, channel: str
) -> Order:
    with transaction.atomic():
        order = Order.objects.create(
            customer=customer,
            channel=channel,
            placed_by=actor if isinstance(actor, User) else None,
        )
        for item in checked:
            if item.line.plan is not None:
                _make_service(order, item, actor)
            if item.domain and item.line.domain_action in DomainAction.values:
                _make_domain(order, item, actor)
        _invoice(order, checked, currency, actor)
        _announce_order(order, actor)
    order.refresh_from_db()
    return order


def _invoice(order: Order, checked: Sequence[_Checked], currency: str, actor: Actor) -> None:
    invoice = create_invoice(
        customer=order.customer, lines=_invoice_lines(checked, currency), actor=actor
    )
    order.invoice = invoice
    order.save(update_fields=["invoice"])
    issue_invoice(invoice=invoice, actor=actor)


def _announce_order(order: Order, actor: Actor) -> None:
    record_event(action="order.placed", actor=actor, purpose="service", obj=order)
    log_client_event(
        customer=order.customer,
        event=ClientLogEvent.ORDER_PLACED,
        actor=actor,
        channel=channel_for(actor),
        detail=order.number,
    )


# -- paid or cancelled -----------------------------------------------------------------------------


def _start_billing(service: Service, today: datetime.date) -> None:
    assert service.plan is not None
    currency = billing_account_for(service.customer).currency
    price = plan_price(service.plan, cycle=service.cycle, currency=currency)
    subscription = Subscription(
        customer_id=service.customer_id,
        price=price,
        description=f"{service.plan.name}{f' for {service.domain}' if service.domain else ''}",
        next_invoice_on=today,
    )
    subscription.next_invoice_on = subscription.period_after(today)
    subscription.save()
    service.subscription = subscription
    service.next_due_on = subscription.next_invoice_on
    service.save(update_fields=["subscription", "next_due_on", "updated_at"])


def _set_up(order: Order) -> None:
    today = timezone.localdate()
    for pk in order.services.filter(status=ServiceStatus.PENDING).values_list("pk", flat=True):
        service = lock_service(pk)
        if service.subscription_id is None:
            _start_billing(service, today)
            queue_call(service=service, action=CallAction.CREATE, actor=ORDERS)
    for domain in order.domains.filter(status=DomainStatus.PENDING):
        domain.status = DomainStatus.REGISTERING
        domain.save(update_fields=["status", "updated_at"])
        action = (
            CallAction.REGISTER if domain.action == DomainAction.REGISTER else CallAction.TRANSFER
        )
        queue_call(domain=domain, action=action, actor=ORDERS)


def order_paid(*, invoice_id: int, actor: Actor | None) -> None:
    """Billing's hook: the order's invoice is paid, so set up what it ordered (once)."""
    order = Order.objects.select_for_update().filter(invoice_id=invoice_id).first()
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return
    order.status, order.paid_at = OrderStatus.PAID, timezone.now()
    order.save(update_fields=["status", "paid_at"])
    record_event(action="order.paid", actor=actor or ORDERS, purpose="service", obj=order)
    try:  # never into the payment's transaction: the payment stands whatever happens here
        with transaction.atomic():
            _fulfil(order)
    except Exception as error:
        # the type only: an exception's text may name a domain
        logger.error(
            "order %s: setting up what was paid for failed (%s)", order.pk, type(error).__name__
        )
        record_event(
            action="order.setup_failed",
            actor=ORDERS,
            purpose="service",
            obj=order,
            details={"error": type(error).__name__},
        )


def _fulfil(order: Order) -> None:
    if order.renew_domain_id is not None:
        queue_call(
            domain=order.renew_domain,
            action=CallAction.RENEW,
            actor=ORDERS,
            arguments={"years": order.renew_years},
        )
    else:
        _set_up(order)


def order_cancelled(*, invoice_id: int, actor: Actor | None) -> None:
    """Billing's hook: the order's invoice was cancelled, so nothing of it will be set up."""
    order = Order.objects.select_for_update().filter(invoice_id=invoice_id).first()
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return
    order.status, order.cancelled_at = OrderStatus.CANCELLED, timezone.now()
    order.save(update_fields=["status", "cancelled_at"])
    for pk in order.services.filter(status=ServiceStatus.PENDING).values_list("pk", flat=True):
        service = lock_service(pk)
        move_service(
            service=service, to=ServiceStatus.CANCELLED, reason=Why.ORDER_CANCELLED, actor=actor
        )
        move_service(
            service=service, to=ServiceStatus.TERMINATED, reason=Why.ORDER_CANCELLED, actor=actor
        )
    for domain in order.domains.filter(status=DomainStatus.PENDING):
        domain.status = DomainStatus.CANCELLED
        domain.save(update_fields=["status", "updated_at"])
        DomainEvent.objects.create(domain=domain, kind=DomainEventKind.CANCELLED, at=timezone.now())
    log_client_event(
        customer=order.customer,
        event=ClientLogEvent.ORDER_CANCELLED,
        actor=actor,
        channel=channel_for(actor),
        detail=order.number,
    )


def adopt_subscription(
    *, subscription: Subscription, plan: HostingPlan, domain: str, actor: Actor
) -> Service:
    """A service for a recurring charge billing already makes (one set up before hosting was,
    or imported from another panel): it is created on the panel like an ordered one."""
    if Service.objects.filter(subscription=subscription).exists():
        raise HostingError("This subscription already has its service.", code="conflict")
    name = clean_domain_name(domain) if domain else ""
    with transaction.atomic():
        service = Service.objects.create(
            customer_id=subscription.customer_id,
            plan=plan,
            cycle=subscription.price.cycle,
            subscription=subscription,
            domain=name,
            next_due_on=subscription.next_invoice_on,
        )
        remember_status(service, "", ServiceStatus.PENDING, Why.ORDERED, actor)
        queue_call(service=service, action=CallAction.CREATE, actor=actor)
    return service
