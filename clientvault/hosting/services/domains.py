"""A domain after its registration: renewal, letting it expire, ID protection, auth codes.

Renewal is an order like any other (an invoice first; the registrar renews once it is paid).
A domain with auto-renew gets its renewal invoice ``RENEW_AHEAD_DAYS`` before it expires; one
without simply expires, and the daily run marks it so and ends the registry's hold on its
registrant.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from clientvault.accounts.models import ClientLogEvent, User
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.services.accounts import billing_account_for, channel_for
from clientvault.billing.services.invoices import LineInput, create_invoice, issue_invoice
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    OPEN_CALL_STATUSES,
    CallAction,
    CallStatus,
    Domain,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
    Order,
    OrderStatus,
)
from clientvault.hosting.registrars.base import RegistrarError
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.services.calls import open_call, queue_call, retry_call
from clientvault.hosting.services.catalogue import domain_price
from clientvault.hosting.services.handover import tld_policy
from clientvault.hosting.services.orders import AUTH_CODE_LIMIT
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.audit import record_event

RENEW_AHEAD_DAYS = 30
RENEWABLE = (DomainStatus.ACTIVE, DomainStatus.EXPIRED)


def _open_renewal(domain: Domain) -> Order | None:
    return Order.objects.filter(renew_domain=domain, status=OrderStatus.AWAITING_PAYMENT).first()


def renew_domain(*, domain: Domain, years: int, actor: Actor) -> Order:
    """An invoice for ``years`` more; the registrar renews once it is paid."""
    if domain.status not in RENEWABLE:
        raise HostingError("Only a registered domain can be renewed.", code="conflict")
    if not 1 <= years <= 10:
        raise HostingError("Renew for 1 to 10 years.", field="years")
    if _open_renewal(domain) is not None:
        raise HostingError(
            "A renewal of this domain is already waiting for payment: pay its invoice.",
            code="conflict",
        )
    price = domain_price(tld=domain.tld, currency=billing_account_for(domain.customer).currency)
    label = f"{domain.display_name}: renewal, {years} year{'s' if years > 1 else ''}"
    with transaction.atomic():
        order = Order.objects.create(
            customer=domain.customer,
            channel=channel_for(actor),
            placed_by=actor if isinstance(actor, User) else None,
            renew_domain=domain,
            renew_years=years,
        )
        invoice = create_invoice(
            customer=domain.customer, lines=[LineInput(label, years, price.amount)], actor=actor
        )
        order.invoice = invoice
        order.save(update_fields=["invoice"])
        issue_invoice(invoice=invoice, actor=actor)
        record_event(action="order.placed", actor=actor, purpose="service", obj=order)
    order.refresh_from_db()
    return order


def set_auto_renew(*, domain: Domain, enabled: bool, actor: Actor) -> Domain:
    with transaction.atomic():
        domain = Domain.objects.select_for_update().get(pk=domain.pk)
        domain.auto_renew = enabled
        domain.save(update_fields=["auto_renew", "updated_at"])
        record_event(
            action="domain.auto_renew", actor=actor, obj=domain, details={"enabled": enabled}
        )
    return domain


def set_id_protection(*, domain: Domain, enabled: bool, actor: Actor) -> Domain:
    """Ask the registrar to hide (or show) the registrant's details, where the registry lets it."""
    if domain.status != DomainStatus.ACTIVE:
        raise HostingError("ID protection can be changed on an active domain.", code="conflict")
    policy = tld_policy(domain.tld)
    if policy is None:
        raise HostingError(
            "The registrar did not answer, so nothing was changed: try again shortly.",
            code="unavailable",
        )
    if enabled and not policy.id_protection_allowed:
        raise HostingError(
            f"The .{domain.tld} registry does not allow ID protection: its registrants' "
            "details are public.",
            field="id_protection",
        )
    if open_call(domain=domain) is not None:
        raise HostingError("The registrar is still working on this domain.", code="conflict")
    with transaction.atomic():
        queue_call(
            domain=domain,
            action=CallAction.SET_ID_PROTECTION,
            actor=actor,
            arguments={"enabled": enabled},
        )
    return domain


def auth_code_for_transfer_out(*, domain: Domain, actor: Actor) -> str:
    """The code to move the domain to another registrar: fetched, shown once, never kept."""
    if domain.status != DomainStatus.ACTIVE:
        raise HostingError("Only an active domain can be transferred out.", code="conflict")
    try:
        code = current_registrar().auth_code(name=domain.name)
    except RegistrarError as error:
        raise HostingError(error.reason, code="unavailable") from None
    record_event(action="domain.auth_code_shown", actor=actor, obj=domain)
    return code


def retry_registration(*, domain: Domain, auth_code: str, actor: Actor) -> Domain:
    """Try a registration or transfer the registrar refused again (with a new auth code)."""
    code = auth_code.strip()
    if len(code) > AUTH_CODE_LIMIT:
        raise HostingError("That auth code is too long.", field="auth_code")
    with transaction.atomic():
        domain = Domain.objects.select_for_update().get(pk=domain.pk)
        if domain.status != DomainStatus.FAILED:
            raise HostingError("Only a domain that was not registered can be tried again.")
        if code:
            domain.auth_code = code
        domain.status, domain.status_reason = DomainStatus.REGISTERING, ""
        domain.save()
        _send_again(domain, actor)
    return domain


def _send_again(domain: Domain, actor: Actor) -> None:
    """The failed call again, with its own key: had the registration gone through after all
    (the registrar answered too late), the registrar answers with it instead of "taken"."""
    action = CallAction.TRANSFER if domain.action == "transfer" else CallAction.REGISTER
    last = domain.calls.filter(action=action).order_by("-created_at").first()
    if last is not None and last.status == CallStatus.FAILED:
        retry_call(call=last, actor=actor)
    else:
        queue_call(domain=domain, action=action, actor=actor)


def _expire(domain: Domain, actor: Actor) -> None:
    domain.status = DomainStatus.EXPIRED
    domain.save(update_fields=["status", "updated_at"])
    DomainEvent.objects.create(domain=domain, kind=DomainEventKind.EXPIRED, at=timezone.now())
    log_client_event(
        customer=domain.customer,
        event=ClientLogEvent.DOMAIN_EXPIRED,
        actor=actor,
        channel=channel_for(actor),
        detail=domain.display_name,
    )


def expire_domains(*, today: datetime.date, actor: Actor) -> int:
    """Mark active domains past their expiry as expired (the daily run); how many."""
    due = Domain.objects.filter(status=DomainStatus.ACTIVE, expires_on__lt=today)
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            domain = Domain.objects.select_for_update().select_related("registrant").get(pk=pk)
            if (
                domain.status == DomainStatus.ACTIVE
                and domain.expires_on
                and domain.expires_on < today
            ):
                _expire(domain, actor)
                count += 1
    return count


def renew_due_domains(*, today: datetime.date, actor: Actor) -> int:
    """Invoice the renewal of auto-renewing domains that expire soon; how many."""
    soon = today + datetime.timedelta(days=RENEW_AHEAD_DAYS)
    recently = timezone.now() - datetime.timedelta(days=RENEW_AHEAD_DAYS + 1)
    due = (
        Domain.objects.filter(status=DomainStatus.ACTIVE, auto_renew=True, expires_on__lte=soon)
        .exclude(renewals__status=OrderStatus.AWAITING_PAYMENT)
        # paid, but the registrar has not renewed it (yet): staff see the call, not a new bill
        .exclude(renewals__status=OrderStatus.PAID, renewals__paid_at__gte=recently)
        .exclude(calls__action=CallAction.RENEW, calls__status__in=OPEN_CALL_STATUSES)
    )
    count = 0
    for domain in due:
        try:
            renew_domain(domain=domain, years=1, actor=actor)
        except HostingError:  # no price for its ending, say: the others are still invoiced
            continue
        count += 1
    return count
