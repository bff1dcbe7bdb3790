"""Calls to the control panel and the registrar: queued as rows, sent by a job, retried.

:func:`queue_call` writes the call and enqueues its job in the caller's transaction, so the
call exists exactly when the change that needs it commits. :func:`perform_call` (the job) claims
the row, sends it with the row's idempotency key, and hands the outcome to the action's handler
(``services.outcomes``). A worker that dies mid-call leaves the row ``running``; the hourly
:func:`resume_stalled_calls` queues it again and the same key makes the panel or registrar answer
with what it did the first time.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    OPEN_CALL_STATUSES,
    CallStatus,
    CallTarget,
    Domain,
    RemoteCall,
    Service,
)
from clientvault.privacy.actors import Actor, actor_ref

# How long to wait before each retry of a call the panel or registrar did not answer.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
LEASE = datetime.timedelta(minutes=10)  # a running call older than this was abandoned
BEHIND = datetime.timedelta(seconds=30)  # a call waiting for an older one looks again after


@dataclass(frozen=True)
class Outcome:
    """What a call's sender returns: success (with what came back) or the failure."""

    ok: bool
    result: Any = None
    error: str = ""
    retryable: bool = False


Sender = Callable[[RemoteCall], Outcome]
Handler = Callable[[RemoteCall, Outcome], None]
_SENDERS: dict[str, Sender] = {}
_HANDLERS: dict[str, Handler] = {}


def register_action(action: str, *, send: Sender, handle: Handler) -> None:
    _SENDERS[action] = send
    _HANDLERS[action] = handle


def _enqueue(call: RemoteCall, run_after: datetime.datetime | None = None) -> None:
    job = run_remote_call.using(run_after=run_after) if run_after else run_remote_call
    job.enqueue(call_id=str(call.pk))


def queue_call(
    *,
    action: str,
    actor: Actor | None,
    service: Service | None = None,
    domain: Domain | None = None,
    arguments: dict[str, Any] | None = None,
) -> RemoteCall:
    owner = service or domain
    assert owner is not None, "a call needs a service or a domain"
    with transaction.atomic():
        call = RemoteCall.objects.create(
            customer_id=owner.customer_id,
            target=CallTarget.PANEL if service else CallTarget.REGISTRAR,
            service=service,
            domain=domain,
            action=action,
            arguments=arguments or {},
            actor_id=actor_ref(actor),
        )
        _enqueue(call)
    return call


def _older_open_call(call: RemoteCall) -> RemoteCall | None:
    """An earlier call for the same service or domain that is not finished yet."""
    same = RemoteCall.objects.filter(service=call.service_id, domain=call.domain_id)
    earlier = same.filter(status__in=OPEN_CALL_STATUSES, created_at__lt=call.created_at)
    return earlier.exclude(pk=call.pk).order_by("created_at").first()


def claim(call_id: uuid.UUID | str) -> RemoteCall | None:
    """Take the call for this worker, or None if it is done, another worker holds it, or an
    earlier call for the same service or domain must go first (a suspension waiting to be
    retried, then the unsuspension after the payment: they reach the panel in that order)."""
    now = timezone.now()
    with transaction.atomic():
        call = RemoteCall.objects.select_for_update().filter(pk=call_id).first()
        if call is None or not _claimable(call, now):
            return None
        first = _older_open_call(call)
        if first is not None:
            _enqueue(call, run_after=max(first.retry_at or now, now) + BEHIND)
            return None
        call.status = CallStatus.RUNNING
        call.attempts += 1
        call.claimed_at = now
        call.save(update_fields=["status", "attempts", "claimed_at"])
    return call


def _claimable(call: RemoteCall, now: datetime.datetime) -> bool:
    if call.status in (CallStatus.QUEUED, CallStatus.RETRYING):
        return True
    stalled = call.claimed_at is not None and call.claimed_at < now - LEASE
    return call.status == CallStatus.RUNNING and stalled


def perform_call(call_id: uuid.UUID | str) -> str:
    """Claim, send and record one call; its status afterwards ("" if it was not claimed)."""
    call = claim(call_id)
    if call is None:
        return ""
    try:
        outcome = _SENDERS[call.action](call)
    except Exception as error:  # a bug must not leave the call running for ever
        outcome = Outcome(ok=False, error=f"the call could not be made ({type(error).__name__})")
    return finish(call, outcome)


def finish(call: RemoteCall, outcome: Outcome) -> str:
    with transaction.atomic():
        locked = RemoteCall.objects.select_for_update().get(pk=call.pk)
        if locked.status != CallStatus.RUNNING or locked.claimed_at != call.claimed_at:
            return str(locked.status)  # taken over meanwhile: that worker records it
        _record(locked, outcome)
        try:
            with transaction.atomic():
                _HANDLERS[locked.action](locked, outcome)
        except Exception as error:  # never leave it running, re-sent every hour for ever
            _record(locked, Outcome(ok=False, error=_unrecorded(error)))
    return str(locked.status)


def _unrecorded(error: Exception) -> str:
    text = error.text if isinstance(error, HostingError) else type(error).__name__
    return (
        f"Done on the other side, but it could not be recorded here ({text}); staff will see to it."
    )


def _record(call: RemoteCall, outcome: Outcome) -> None:
    now = timezone.now()
    call.last_error = outcome.error[:300]
    if outcome.ok:
        call.status, call.finished_at = CallStatus.DONE, now
    elif outcome.retryable and call.attempts <= len(RETRY_DELAYS):
        call.status = CallStatus.RETRYING
        call.retry_at = now + RETRY_DELAYS[call.attempts - 1]
        _enqueue(call, run_after=call.retry_at)
    else:
        call.status, call.finished_at = CallStatus.FAILED, now
    call.save(update_fields=["status", "finished_at", "retry_at", "last_error"])


def retry_call(*, call: RemoteCall, actor: Actor | None) -> RemoteCall:
    """Try a failed call again now (staff, or the customer from the domain's page)."""
    with transaction.atomic():
        locked = RemoteCall.objects.select_for_update().get(pk=call.pk)
        if locked.status == CallStatus.FAILED:
            locked.status, locked.retry_at, locked.finished_at = CallStatus.QUEUED, None, None
            locked.save(update_fields=["status", "retry_at", "finished_at"])
            _enqueue(locked)
    return locked


def resume_stalled_calls() -> int:
    """Queue again every call a dead worker left running; how many."""
    since = timezone.now() - LEASE
    stalled = RemoteCall.objects.filter(status=CallStatus.RUNNING, claimed_at__lt=since)
    ids = list(stalled.values_list("pk", flat=True)[:10_000])
    for pk in ids:
        _enqueue(RemoteCall(pk=pk))
    return len(ids)


def open_call(*, service: Service | None = None, domain: Domain | None = None) -> RemoteCall | None:
    """The call still under way for the service or domain, if any (the newest)."""
    calls = RemoteCall.objects.filter(status__in=OPEN_CALL_STATUSES)
    calls = calls.filter(service=service) if service else calls.filter(domain=domain)
    return calls.order_by("-created_at").first()


def last_failed_call(
    *, service: Service | None = None, domain: Domain | None = None
) -> RemoteCall | None:
    """The newest call, when it failed: what the service or domain page explains."""
    calls = (
        RemoteCall.objects.filter(service=service)
        if service
        else RemoteCall.objects.filter(domain=domain)
    )
    newest = calls.order_by("-created_at").first()
    return newest if newest is not None and newest.status == CallStatus.FAILED else None


@task()
def run_remote_call(call_id: str) -> dict[str, str]:
    """Send one queued call. Run twice, it sends once: the second run finds it claimed or done."""
    return {"status": perform_call(call_id) or "not claimed"}
