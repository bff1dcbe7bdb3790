"""Registrar calls: what each sends and what its outcome changes on the domain.

A registration or transfer moves the domain to active with the expiry the registrar gives; a
refusal (the name was taken meanwhile, a wrong or expired auth code) leaves it "not registered"
with the registrar's reason, and staff or the customer may try again once fixed. While the
registrar does not answer, the domain stays "being registered" and says when it is tried next.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.utils import timezone

from clientvault.accounts.models import ClientLogEvent
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.services.accounts import channel_for
from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    Domain,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
    RemoteCall,
)
from clientvault.hosting.registrars.base import RegisteredDomain, Registrar, RegistrarError
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.services.calls import Outcome, register_action
from clientvault.hosting.services.handover import REGISTRATION, contacts_for, record_handover
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.audit import record_event

ALL_ROLES = ("registrant", "admin", "tech", "billing")


def lock_domain(pk: uuid.UUID) -> Domain:
    return Domain.objects.select_for_update().get(pk=pk)


def _register(registrar: Registrar, call: RemoteCall, domain: Domain) -> RegisteredDomain:
    record_handover(call=call, domain=domain, roles=ALL_ROLES)
    return registrar.register(
        name=domain.name,
        years=domain.years,
        contacts=contacts_for(domain),
        id_protection=domain.id_protection,
        idempotency_key=call.idempotency_key,
    )


def _transfer(registrar: Registrar, call: RemoteCall, domain: Domain) -> RegisteredDomain:
    code = reveal(domain, "auth_code", "domain_registration", REGISTRATION)
    record_handover(call=call, domain=domain, roles=ALL_ROLES)
    return registrar.transfer(
        name=domain.name,
        auth_code=code,
        contacts=contacts_for(domain),
        idempotency_key=call.idempotency_key,
    )


def _renew(registrar: Registrar, call: RemoteCall, domain: Domain) -> RegisteredDomain:
    years = int(call.arguments.get("years", 1))
    return registrar.renew(name=domain.name, years=years, idempotency_key=call.idempotency_key)


def _update_contacts(registrar: Registrar, call: RemoteCall, domain: Domain) -> RegisteredDomain:
    record_handover(call=call, domain=domain, roles=call.arguments.get("roles", ALL_ROLES))
    return registrar.update_contacts(
        name=domain.name, contacts=contacts_for(domain), idempotency_key=call.idempotency_key
    )


def _id_protection(registrar: Registrar, call: RemoteCall, domain: Domain) -> RegisteredDomain:
    enabled = bool(call.arguments.get("enabled"))
    return registrar.set_id_protection(name=domain.name, enabled=enabled)


_REQUESTS: dict[str, Callable[[Registrar, RemoteCall, Domain], RegisteredDomain]] = {
    CallAction.REGISTER: _register,
    CallAction.TRANSFER: _transfer,
    CallAction.RENEW: _renew,
    CallAction.UPDATE_CONTACTS: _update_contacts,
    CallAction.SET_ID_PROTECTION: _id_protection,
}


def _send(call: RemoteCall) -> Outcome:
    domain = call.domain
    assert domain is not None
    try:
        answer = _REQUESTS[call.action](current_registrar(), call, domain)
    except RegistrarError as error:
        return Outcome(ok=False, error=error.reason, retryable=error.retryable)
    return Outcome(ok=True, result=answer)


# -- outcomes -------------------------------------------------------------------------------------


def _event(domain: Domain, kind: str, detail: str = "") -> None:
    DomainEvent.objects.create(domain=domain, kind=kind, detail=detail[:300], at=timezone.now())


def _log(domain: Domain, event: str, detail: str) -> None:
    log_client_event(
        customer=domain.customer,
        event=event,
        actor=None,
        channel=channel_for(None),
        detail=f"{domain.display_name}: {detail}" if detail else domain.display_name,
    )


def _waiting(domain: Domain, call: RemoteCall, outcome: Outcome) -> None:
    """Not answered yet: say so, and when it is tried again."""
    when = timezone.localtime(call.retry_at).strftime("%H:%M") if call.retry_at else ""
    domain.status_reason = f"{outcome.error} We try again at {when}."[:300]
    domain.save(update_fields=["status_reason", "updated_at"])


def _failed(domain: Domain, call: RemoteCall, outcome: Outcome) -> None:
    if call.action in (CallAction.REGISTER, CallAction.TRANSFER):
        domain.status = DomainStatus.FAILED
    domain.status_reason = outcome.error[:300]
    domain.save(update_fields=["status", "status_reason", "updated_at"])
    _event(domain, DomainEventKind.FAILED, f"{call.get_action_display()}: {outcome.error}")
    _log(domain, ClientLogEvent.DOMAIN_FAILED, call.get_action_display())


def _succeeded(domain: Domain, call: RemoteCall, answer: RegisteredDomain) -> None:
    domain.status_reason = ""
    domain.expires_on = answer.expires_on
    domain.id_protection = answer.id_protection
    if call.action in (CallAction.REGISTER, CallAction.TRANSFER):
        domain.status = DomainStatus.ACTIVE
    if call.action == CallAction.TRANSFER:
        domain.auth_code = ""  # used up: the next transfer needs a new one
    if call.action == CallAction.RENEW and domain.status == DomainStatus.EXPIRED:
        domain.status = DomainStatus.ACTIVE
    domain.save()
    _SUCCESS_NOTES[call.action](domain, call)
    record_event(action=f"domain.{call.action}", actor=REGISTRATION, obj=domain)


def _registered(domain: Domain, call: RemoteCall) -> None:
    _event(domain, DomainEventKind.REGISTERED)
    _log(domain, ClientLogEvent.DOMAIN_REGISTERED, "")


def _transferred(domain: Domain, call: RemoteCall) -> None:
    _event(domain, DomainEventKind.TRANSFERRED)
    _log(domain, ClientLogEvent.DOMAIN_TRANSFERRED, "")


def _renewed(domain: Domain, call: RemoteCall) -> None:
    until = f"until {domain.expires_on:%d %B %Y}" if domain.expires_on else ""
    _event(domain, DomainEventKind.RENEWED, until)
    _log(domain, ClientLogEvent.DOMAIN_RENEWED, until)


def _contacts_sent(domain: Domain, call: RemoteCall) -> None:
    """The change was recorded when it was asked for; the registrar now has it too."""


def _protection(domain: Domain, call: RemoteCall) -> None:
    state = "on" if domain.id_protection else "off"
    _event(domain, DomainEventKind.ID_PROTECTION, state)
    _log(domain, ClientLogEvent.DOMAIN_ID_PROTECTION, state)


_SUCCESS_NOTES: dict[str, Callable[[Domain, RemoteCall], None]] = {
    CallAction.REGISTER: _registered,
    CallAction.TRANSFER: _transferred,
    CallAction.RENEW: _renewed,
    CallAction.UPDATE_CONTACTS: _contacts_sent,
    CallAction.SET_ID_PROTECTION: _protection,
}


def _handle(call: RemoteCall, outcome: Outcome) -> None:
    assert call.domain_id is not None
    domain = lock_domain(call.domain_id)
    if outcome.ok:
        _succeeded(domain, call, outcome.result)
    elif call.status == CallStatus.RETRYING:
        _waiting(domain, call, outcome)
    else:
        _failed(domain, call, outcome)


def register() -> None:
    for action in _REQUESTS:
        register_action(action, send=_send, handle=_handle)
