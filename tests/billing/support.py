"""Shared set-up for billing's tests: accounts, prices, invoices and what they sent.

The fixtures are offered to every test here by ``tests/billing/conftest.py``:

- ``customer``: Ada, owner of an individual account in the United Kingdom (the personas').
- ``outsider``: Otto, owner of an individual account in Germany.
- ``nimbus``: the owner of an organisation account in Germany with a valid VAT number.
- ``teammate``: an authorised user on Ada's account with the billing permission.

The profile is the default preset: the operator is taxed in the United States (no VAT at home,
EU consumers pay their own country's rate, EU businesses reverse charge, the rest none).
"""

from __future__ import annotations

import datetime
import json

from clientvault.accounts.models import CustomerKind, Person
from clientvault.billing.models import Cycle, Invoice, Plan, Price, Subscription
from clientvault.billing.services.invoices import LineInput, create_invoice, issue_invoice
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SystemActor
from tests.accounts import personas

SYSTEM = SystemActor("billing-run")
NIMBUS = {**personas.OUTSIDER_DETAILS, "email": "owner@nimbus.example", "given_name": "Nina"}


def nimbus_account() -> Person:
    return personas.open_test_account(
        username="nimbus",
        details=NIMBUS,
        kind=CustomerKind.ORGANISATION,
        organisation_name="Nimbus Data GmbH",
        vat_number="DE 136 695 976",
    )


def lines(*amounts: int) -> list[LineInput]:
    return [LineInput(f"Service {n + 1}", 1, amount) for n, amount in enumerate(amounts)]


def draft(person: Person, *amounts: int, actor=SYSTEM) -> Invoice:
    return create_invoice(customer=person.customer, lines=lines(*amounts), actor=actor)


def issued(person: Person, *amounts: int, actor=SYSTEM) -> Invoice:
    return issue_invoice(invoice=draft(person, *amounts, actor=actor), actor=actor)


def price(amount: int = 1000, *, code: str = "web", cycle: str = Cycle.MONTHLY) -> Price:
    plan, _ = Plan.objects.get_or_create(code=code, defaults={"name": f"Hosting {code}"})
    made, _ = Price.objects.update_or_create(
        plan=plan, cycle=cycle, currency="EUR", defaults={"amount": amount}
    )
    return made


def subscribe(person: Person, on: datetime.date, *, of: Price, quantity: int = 1) -> Subscription:
    return Subscription.objects.create(
        customer=person.customer, price=of, quantity=quantity, next_invoice_on=on
    )


def sent(kind: str) -> list[dict[str, str]]:
    """The values of every message of ``kind`` queued (as the outbox keeps them)."""
    return [json.loads(m.context) for m in Message.objects.filter(kind=kind).order_by("queued_at")]


def quick_customer(n: int, *, country: str = "FR") -> Person:
    """An individual account with its owner, made directly (no login): for volume tests."""
    from clientvault.accounts.models import Channel, Customer, PersonRole
    from clientvault.privacy.services.subjects import create_subject

    account = Customer.objects.create(kind=CustomerKind.INDIVIDUAL, created_channel=Channel.STAFF)
    person = Person(
        subject=create_subject(actor=None),
        customer=account,
        role=PersonRole.OWNER,
        given_name=f"Client{n}",
        family_name="Example",
        email=f"client{n}@example.org",
        address_line1=f"{n} Rue de Rivoli",
        city="Paris",
        postal_code="75001",
        country=country,
        created_channel=Channel.STAFF,
    )
    person.save()
    return person
