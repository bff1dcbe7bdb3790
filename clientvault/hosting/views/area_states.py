"""What a service's or domain's state means, in a sentence for its customer: its status, and
what the control panel or registrar is doing with it (or failed to do)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import dateformat, timezone

from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    Domain,
    DomainAction,
    DomainStatus,
    RemoteCall,
    Service,
    ServiceStatus,
    StatusReason,
)
from clientvault.hosting.services.calls import last_failed_call, open_call

SERVICE_WORK: dict[str, str] = {
    CallAction.CREATE: "Being set up on the server",
    CallAction.SUSPEND: "Being suspended on the server",
    CallAction.UNSUSPEND: "Being started again on the server",
    CallAction.TERMINATE: "Being removed from the server",
    CallAction.CHANGE_PLAN: "Moving to its new plan on the server",
}
DOMAIN_WORK: dict[str, str] = {
    CallAction.REGISTER: "Being registered at the registrar",
    CallAction.TRANSFER: "Being transferred in from its current registrar",
    CallAction.RENEW: "Being renewed at the registrar",
    CallAction.UPDATE_CONTACTS: "Sending the new contacts to the registrar",
    CallAction.SET_ID_PROTECTION: "Changing ID protection at the registrar",
}
FAILED: dict[str, str] = {
    CallAction.CREATE: "Set-up failed",
    CallAction.SUSPEND: "Suspension failed",
    CallAction.UNSUSPEND: "Starting it again failed",
    CallAction.TERMINATE: "Removal failed",
    CallAction.CHANGE_PLAN: "The plan change failed",
    CallAction.REGISTER: "Registration failed",
    CallAction.TRANSFER: "Transfer failed",
    CallAction.RENEW: "Renewal failed",
    CallAction.UPDATE_CONTACTS: "Sending the new contacts failed",
    CallAction.SET_ID_PROTECTION: "Changing ID protection failed",
}


@dataclass(frozen=True)
class State:
    text: str
    support: bool = False  # ask them to contact support


def day(value: datetime.date) -> str:
    return dateformat.format(value, "j F Y")


def _sentence(text: str) -> str:
    return text.strip().rstrip(".")


def work_text(call: RemoteCall | None, failed: RemoteCall | None, texts: dict[str, str]) -> str:
    """ "Being set up on the server." / "Set-up failed: <reason> — we are on it." / ""."""
    if call is not None:
        text = texts[call.action]
        if call.status == CallStatus.RETRYING and call.retry_at is not None:
            when = dateformat.format(timezone.localtime(call.retry_at), "H:i")
            reason = _sentence(call.last_error) or "no answer"
            text += f". It did not answer ({reason}), so we try again at {when}"
        return f"{text}."
    if failed is not None:
        reason = _sentence(failed.last_error) or "no reason was given"
        return f"{FAILED[failed.action]}: {reason} — we are on it."
    return ""


def panel_work(service: Service) -> str:
    return work_text(open_call(service=service), last_failed_call(service=service), SERVICE_WORK)


def registrar_work(domain: Domain) -> str:
    call = open_call(domain=domain)
    failed = None if call else last_failed_call(domain=domain)
    if domain.status == DomainStatus.FAILED:
        failed = None  # the status says it, with the registrar's reason
    return work_text(call, failed, DOMAIN_WORK)


def _suspension(service: Service) -> State:
    last = service.history.filter(to_status=ServiceStatus.SUSPENDED).first()
    reason = last.reason if last is not None else ""
    if reason == StatusReason.UNPAID:
        return State(
            "Suspended because an invoice is unpaid: the websites and mail on it are offline "
            "until it is paid, and then it starts again by itself."
        )
    if reason == StatusReason.ABUSE:
        return State(
            "Suspended by our staff for a breach of the acceptable-use policy.", support=True
        )
    return State("Suspended by our staff.", support=True)


def _running(service: Service) -> State:
    if service.cancel_on is not None:
        return State(
            f"Running until {day(service.cancel_on)}: you cancelled it at the end of its term, "
            "so it is removed that day and not invoiced again."
        )
    if service.next_due_on is not None:
        return State(f"Running. Its next invoice is made on {day(service.next_due_on)}.")
    return State("Running.")


def service_state(service: Service, *, awaiting_payment: bool) -> State:
    """The service's status in a sentence that says what it means for its customer."""
    if service.status == ServiceStatus.PENDING:
        if awaiting_payment:
            return State(
                "Waiting for payment: the service is set up on the server once its invoice is paid."
            )
        return State("Paid: it is not on the server yet.")
    if service.status == ServiceStatus.ACTIVE:
        return _running(service)
    if service.status == ServiceStatus.SUSPENDED:
        return _suspension(service)
    if service.status == ServiceStatus.CANCELLED:
        return State("Cancelled: it is being removed from the server.")
    return State("Ended: it was removed from the server.")


def _registered(domain: Domain) -> State:
    until = f" until {day(domain.expires_on)}" if domain.expires_on else ""
    renew = (
        " It renews automatically: we invoice the renewal 30 days before it expires."
        if domain.auto_renew
        else " It does not renew by itself: renew it before it expires to keep it."
    )
    return State(f"Registered{until}.{renew}")


def _failed(domain: Domain) -> State:
    reason = _sentence(domain.status_reason) or "the registrar gave no reason"
    what = "transferred in" if domain.action == DomainAction.TRANSFER else "registered"
    return State(f"Not {what}: {reason}. You can try again below.")


def domain_state(domain: Domain) -> State:
    """The domain's status and, where the registrar gave one, its reason."""
    if domain.status == DomainStatus.PENDING:
        return State("Waiting for payment: the domain name is registered once its invoice is paid.")
    if domain.status == DomainStatus.REGISTERING:
        waiting = f" {domain.status_reason}" if domain.status_reason else ""
        return State(f"Being {_verb(domain)} at the registrar.{waiting}")
    if domain.status == DomainStatus.ACTIVE:
        return _registered(domain)
    if domain.status == DomainStatus.FAILED:
        return _failed(domain)
    if domain.status == DomainStatus.EXPIRED:
        since = f" on {day(domain.expires_on)}" if domain.expires_on else ""
        return State(
            f"Expired{since}: renew it soon, or the registry may let someone else take it."
        )
    return State("Cancelled: its order was cancelled before the domain name was registered.")


def _verb(domain: Domain) -> str:
    return "transferred in" if domain.action == DomainAction.TRANSFER else "registered"
