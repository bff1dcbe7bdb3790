"""Payment methods and setup sessions made straight in the database, for walks and pages that
need one to exist (no gateway is asked)."""

from __future__ import annotations

import uuid

from clientvault.accounts.models import Person
from clientvault.billing.models import PaymentMethod, SetupSession


def a_payment_method(
    person: Person, *, brand: str = "visa", last4: str = "4242", default: bool = True
) -> PaymentMethod:
    method = PaymentMethod(
        customer=person.customer,
        payer=person,
        gateway="test",
        kind="card",
        brand=brand,
        last4=last4,
        exp_month=12,
        exp_year=2040,
        is_default=default,
    )
    method.save()
    method.token = f"pm_test_{uuid.uuid4().hex}"
    method.save(update_fields=["token"])
    return method


def a_setup_session(person: Person, *, reference: str = "seti_unknown") -> SetupSession:
    return SetupSession.objects.create(
        id=uuid.uuid4(),
        customer=person.customer,
        payer=person,
        gateway="test",
        kind="card",
        reference=reference,
    )
