"""For the back office's hosting tests: calls in a given state, and a caller's identity check.

- ``a_call(service=..., domain=..., status=..., **fields)``: a panel or registrar call row as a
  job leaves it (queued, retrying with its next try, failed with the reason).
- ``checked_caller(staff_user, person)``: the staff member records a passed identity check of
  ``person`` on a ticket, through the accounts app's own check (a code e-mailed to the address
  on record, read back).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from clientvault.accounts.models import Channel, CheckMethod, IdentityCheck, Person, User
from clientvault.accounts.services import identity
from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    CallTarget,
    Domain,
    RemoteCall,
    Service,
)
from tests.accounts.confirmutil import queued_messages


def a_call(
    *,
    service: Service | None = None,
    domain: Domain | None = None,
    status: str = CallStatus.FAILED,
    action: str = "",
    **fields: object,
) -> RemoteCall:
    owner = service or domain
    assert owner is not None
    if status == CallStatus.RETRYING:
        fields.setdefault("retry_at", timezone.now() + datetime.timedelta(minutes=5))
    if status == CallStatus.FAILED:
        fields.setdefault("finished_at", timezone.now())
    return RemoteCall.objects.create(
        customer_id=owner.customer_id,
        target=CallTarget.PANEL if service else CallTarget.REGISTRAR,
        service=service,
        domain=domain,
        action=action or (CallAction.CREATE if service else CallAction.REGISTER),
        status=status,
        **fields,
    )


def checked_caller(staff_user: User, person: Person) -> IdentityCheck:
    check = identity.start_identity_check(
        staff=staff_user, person=person, channel=Channel.TICKET, method=CheckMethod.EMAIL_CODE
    )
    context = queued_messages()[-1]["context"]
    assert isinstance(context, dict)
    return identity.decide_identity_check(check=check, staff=staff_user, code=context["code"])
