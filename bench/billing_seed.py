"""The billing benchmark's customers: ``python -m bench.billing_seed --customers 10000``.

Run by bench/billing.py in the environment of the template database being filled, with the test
gateway running (its own process, at ``CLIENTVAULT_TEST_GATEWAY_URL``; its state file is kept
with the template, so the tokens stay valid in every copy).

Each customer, made in bulk (1,000 a transaction) with the models' own fields (vault fields
sealed and blind indexes computed by ``bulk_create`` as ``save`` does them): a privacy subject
with its own data key (wrapped under the master key as ``vault.create_subject_key`` wraps it)
and its ``subject.created`` audit entry; an individual account; an owner with a login (no usable
password), whose name, e-mail address and postal address are sealed under that key; a billing
account in the profile's currency; one active monthly subscription to one of three plans, due
on :data:`RUN_DAY`.

``--card-share`` (0.9) of them add a card the way a payer does, through the gateway over HTTP:
the account's customer is made at the gateway (``create_customer`` with what
``handover.processor_party`` lets the processor have), a hosted-form session is opened
(``start_setup``), the card form is POSTed as a browser posts it (number, expiry, security code,
holder, billing address; the gateway answers 303 to the return address), and the session is
read back server to server (``finish_setup``), as ``finish_adding_method`` reads it. These calls
run on 8 threads. clientvault then keeps what the services keep, in bulk: the disclosure of the
customer record, the ``GatewayCustomer``, the completed ``SetupSession``, the ``PaymentMethod``
(token, holder name and billing address sealed for the payer, the default), their audit entries
(``disclosure.made``, ``billing.gateway_customer.created``, ``billing.method.setup_started``,
``billing.method.added``, chained as ``record_event`` chains them) and the client-log entry.
``--decline-share`` (0.02) of the cards are the gateway's declining test card; the customers
without a card pay by transfer, so their invoices stay unpaid.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clientvault.accounts.models import (  # noqa: E402
    Channel,
    ClientLogEntry,
    ClientLogEvent,
    Customer,
    CustomerKind,
    Permission,
    Person,
    PersonRole,
    User,
)
from clientvault.accounts.services.clientlog import _person_label  # noqa: E402
from clientvault.billing.gateways.base import MethodDetails  # noqa: E402
from clientvault.billing.gateways.testgateway import TestGateway  # noqa: E402
from clientvault.billing.models import (  # noqa: E402
    BillingAccount,
    Cycle,
    GatewayCustomer,
    MethodStatus,
    PaymentMethod,
    Plan,
    Price,
    SetupSession,
    SetupSessionStatus,
    Subscription,
)
from clientvault.billing.services.handover import processor_party, recipient_name  # noqa: E402
from clientvault.billing.services.methods import with_session  # noqa: E402
from clientvault.privacy import crypto, vault  # noqa: E402
from clientvault.privacy.actors import Actor, actor_ref, primary_role  # noqa: E402
from clientvault.privacy.models import (  # noqa: E402
    AuditEvent,
    Disclosure,
    DisclosureGround,
    RecipientKind,
    Subject,
    SubjectKey,
)
from clientvault.privacy.profile import current_profile  # noqa: E402
from clientvault.privacy.services import audit  # noqa: E402

BATCH = 1000
THREADS = 8
SEED = 2026
RUN_DAY = datetime.date(2026, 7, 1)  # every subscription's next invoice
PLANS = (
    ("shared-s", "Shared hosting S", 499),
    ("shared-m", "Shared hosting M", 999),
    ("vps-2", "VPS 2 GB", 2499),
)
COUNTRIES = ("DE", "FR", "NL", "IE", "AT", "US", "GB")
GOOD_CARDS = ("4242424242424242", "5555555555554444")
DECLINED_CARD = "4000000000000002"
RETURN = "https://bench.clientvault.test/account/billing/methods/return"
CANCEL = "https://bench.clientvault.test/account/billing/methods"
GIVEN = "Olivia Amelia Isla Ava Mia Grace Oliver George Noah Arthur Leo Aisha Omar Priya Wei Mei"
FAMILY = "Smith Jones Taylor Brown Williams Wilson Patel Wright Khan Nguyen Okafor Murphy Kelly"
STREETS = ["High Street", "Station Road", "Main Street", "Park Avenue", "Church Lane", "Mill Road"]
CITIES = {
    "DE": "Berlin",
    "FR": "Lyon",
    "NL": "Utrecht",
    "IE": "Cork",
    "AT": "Graz",
    "US": "Portland",
    "GB": "Leeds",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the audit chain, in bulk --------------------------------------------------------------------


@dataclass
class Entry:
    action: str
    actor: Actor | None
    subject_id: uuid.UUID | None
    obj: Any
    details: dict[str, Any]


def _audit(entries: Sequence[Entry]) -> None:
    """The entries, chained after the head as ``record_event`` chains them (call in a
    transaction)."""
    head = audit._locked_head()
    key, now, events = audit.audit_key(), timezone.now(), []
    prev, seq = head.hash, head.seq
    for entry in entries:
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=now,
            actor_id=actor_ref(entry.actor),
            actor_role=primary_role(entry.actor),
            action=entry.action,
            subject_id=entry.subject_id,
            object_type=entry.obj._meta.label if entry.obj is not None else "",
            object_id=str(entry.obj.pk) if entry.obj is not None else "",
            details=audit.clean_details(entry.action, entry.details),
            prev_hash=prev,
        )
        event.hash = prev = audit.entry_hash(key, prev, audit.hashed_fields(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])


def _keys_for(subject_ids: list[uuid.UUID]) -> None:
    """Each subject's data key, wrapped as ``vault.create_subject_key`` wraps it, in one insert;
    remembered, so sealing the batch's values reads no key back."""
    rows = []
    for subject_id in subject_ids:
        key = crypto.new_key()
        wrapped, version = vault._wrap(key, vault._subject_aad(subject_id))
        rows.append(SubjectKey(subject_id=subject_id, wrapped=wrapped, master_version=version))
        vault._remember(subject_id, key, forever=True)
    SubjectKey.objects.bulk_create(rows)


# --- the catalogue -------------------------------------------------------------------------------


def prices() -> list[Price]:
    currency = current_profile().billing.currency
    found = []
    for code, name, amount in PLANS:
        plan, _ = Plan.objects.get_or_create(code=code, defaults={"name": name})
        price, _ = Price.objects.get_or_create(
            plan=plan, cycle=Cycle.MONTHLY, currency=currency, defaults={"amount": amount}
        )
        found.append(price)
    return found


# --- customers -----------------------------------------------------------------------------------


@dataclass
class Card:
    number: str
    expiry: tuple[int, int]


def _people(first: int, count: int, rng: random.Random, catalogue: list[Price]) -> list[Person]:
    """Subjects, accounts, owners with logins, billing accounts, subscriptions (committed)."""
    given, family = GIVEN.split(), FAMILY.split()
    currency = current_profile().billing.currency
    subjects = [Subject(reference=f"S-L{first + i:07d}") for i in range(count)]
    _keys_for([s.pk for s in subjects])
    with transaction.atomic():
        Subject.objects.bulk_create(subjects)
        _audit([Entry("subject.created", None, s.pk, s, {}) for s in subjects])
        customers = [
            Customer(
                number=f"CV-{2_000_000 + first + i}",
                kind=CustomerKind.INDIVIDUAL,
                created_channel=Channel.ONLINE,
            )
            for i in range(count)
        ]
        Customer.objects.bulk_create(customers)
        users = [User(username=f"billing-{first + i}", subject=s) for i, s in enumerate(subjects)]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        people = []
        for i, (subject, customer, user) in enumerate(zip(subjects, customers, users, strict=True)):
            g, f, country = rng.choice(given), rng.choice(family), rng.choice(COUNTRIES)
            people.append(
                Person(
                    subject=subject,
                    customer=customer,
                    user=user,
                    role=PersonRole.OWNER,
                    permissions=list(Permission.values),
                    created_channel=Channel.ONLINE,
                    given_name=g,
                    family_name=f,
                    email=f"{g}.{f}.{first + i}@example.net".lower(),
                    address_line1=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                    city=CITIES[country],
                    postal_code=f"{rng.randrange(10000, 99999)}",
                    country=country,
                )
            )
        Person.objects.bulk_create(people)
        BillingAccount.objects.bulk_create(
            BillingAccount(customer=c, currency=currency) for c in customers
        )
        Subscription.objects.bulk_create(
            Subscription(customer=c, price=rng.choice(catalogue), next_invoice_on=RUN_DAY)
            for c in customers
        )
    return people


# --- cards, through the gateway ------------------------------------------------------------------


@dataclass
class Added:
    person: Person
    customer_ref: str
    categories: list[str]
    session_id: uuid.UUID
    reference: str
    details: MethodDetails


def _post_form(url: str, form: dict[str, str]) -> int:
    """POST the hosted card form as a browser does; the status (303: saved), not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with opener.open(request, timeout=60) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _add_card(person: Person, card: Card) -> Added:
    """What a payer's visit to the hosted form does at the gateway (no database access)."""
    gateway = TestGateway()
    party, categories = processor_party(person)
    reference = gateway.create_customer(
        party=party, idempotency_key=f"clientvault-customer-{person.customer_id}"
    )
    session_id = uuid.uuid4()
    hosted = gateway.start_setup(
        customer_ref=reference,
        kind="card",
        return_url=with_session(RETURN, session_id),
        cancel_url=CANCEL,
    )
    form = {
        "number": card.number,
        "expiry": f"{card.expiry[0]:02d}/{card.expiry[1] % 100:02d}",
        "cvc": "123",
        "name": f"{party.name}",
        "address_line1": party.address_line1,
        "address_line2": "",
        "city": party.city,
        "postal_code": party.postal_code,
        "country": party.country,
    }
    status = _post_form(hosted.url, form)
    if status != 303:
        raise RuntimeError(f"the hosted form refused a test card ({status})")
    details = gateway.finish_setup(reference=hosted.reference)
    if details is None:
        raise RuntimeError("the gateway did not complete a set-up the form finished")
    return Added(person, reference, categories, session_id, hosted.reference, details)


def _method_ids(count: int) -> list[int]:
    table = PaymentMethod._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _keep(added: list[Added]) -> None:
    """What ``gateway_customer_ref``, ``start_adding_method`` and ``finish_adding_method`` keep
    of each card, in bulk (one transaction)."""
    now = timezone.now()
    gateway = TestGateway.name
    with transaction.atomic():
        disclosures, records, sessions, methods, entries, logs = [], [], [], [], [], []
        for card, pk in zip(added, _method_ids(len(added)), strict=True):
            person, details, user = card.person, card.details, card.person.user
            disclosures.append(
                Disclosure(
                    subject_id=person.subject_id,
                    recipient_kind=RecipientKind.PAYMENT_PROCESSOR,
                    recipient=recipient_name(gateway),
                    categories=card.categories,
                    ground=DisclosureGround.CONTRACT,
                    reference="customer record for payments",
                    actor_id=actor_ref(user),
                    at=now,
                )
            )
            records.append(
                GatewayCustomer(
                    customer_id=person.customer_id, gateway=gateway, reference=card.customer_ref
                )
            )
            method = PaymentMethod(
                id=pk,
                customer_id=person.customer_id,
                payer=person,
                gateway=gateway,
                kind=details.kind,
                brand=details.brand[:32],
                last4=details.last4,
                exp_month=details.exp_month,
                exp_year=details.exp_year,
                is_default=True,
                status=MethodStatus.ACTIVE,
            )
            method.token = details.token
            method.holder_name = details.holder_name
            method.billing_address = details.billing_address
            methods.append(method)
            sessions.append(
                SetupSession(
                    id=card.session_id,
                    customer_id=person.customer_id,
                    payer=person,
                    gateway=gateway,
                    kind="card",
                    reference=card.reference,
                    status=SetupSessionStatus.COMPLETE,
                    method=method,
                )
            )
        Disclosure.objects.bulk_create(disclosures)
        GatewayCustomer.objects.bulk_create(records)
        PaymentMethod.objects.bulk_create(methods)
        SetupSession.objects.bulk_create(sessions)
        for card, disclosure, record, session, method in zip(
            added, disclosures, records, sessions, methods, strict=True
        ):
            person, user = card.person, card.person.user
            entries += [
                Entry(
                    "disclosure.made",
                    user,
                    person.subject_id,
                    disclosure,
                    {
                        "recipient_kind": RecipientKind.PAYMENT_PROCESSOR,
                        "ground": DisclosureGround.CONTRACT,
                        "categories": card.categories,
                        "notice_deferred": False,
                    },
                ),
                Entry(
                    "billing.gateway_customer.created",
                    user,
                    person.subject_id,
                    record,
                    {"gateway": gateway, "categories": card.categories},
                ),
                Entry(
                    "billing.method.setup_started",
                    user,
                    person.subject_id,
                    session,
                    {"kind": "card", "gateway": gateway},
                ),
                Entry(
                    "billing.method.added",
                    user,
                    person.subject_id,
                    method,
                    {
                        "kind": method.kind,
                        "gateway": gateway,
                        "default": True,
                        "session": str(session.pk),
                    },
                ),
            ]
            logs.append(
                ClientLogEntry(
                    customer_id=person.customer_id,
                    person=person,
                    event=ClientLogEvent.PAYMENT_METHOD_ADDED,
                    detail=method.label,
                    actor_label=_person_label(person),  # what actor_label() finds for the payer
                    channel=Channel.ONLINE,
                    at=now,
                )
            )
        _audit(entries)
        ClientLogEntry.objects.bulk_create(logs)


# --- the whole -----------------------------------------------------------------------------------


def seed(customers: int, card_share: float, decline_share: float) -> None:
    rng = random.Random(SEED)
    catalogue = prices()
    started = time.monotonic()
    cards_made = declining = 0
    with ThreadPoolExecutor(THREADS) as pool:
        for first in range(0, customers, BATCH):
            count = min(BATCH, customers - first)
            people = _people(first, count, rng, catalogue)
            paying: list[tuple[Person, Card]] = []
            for person in people:
                if rng.random() >= card_share:
                    continue  # pays by transfer
                declined = rng.random() < decline_share
                number = DECLINED_CARD if declined else rng.choice(GOOD_CARDS)
                expiry = (rng.randrange(1, 13), rng.randrange(2030, 2036))
                paying.append((person, Card(number, expiry)))
                declining += declined
            added = list(pool.map(lambda pair: _add_card(*pair), paying))
            _keep(added)
            cards_made += len(added)
            vault.reset_caches()
            done = first + count
            if done % 5000 == 0 or done == customers:
                rate = done / max(time.monotonic() - started, 1e-9)
                log(
                    f"  {done}/{customers} customers, {cards_made} cards "
                    f"({declining} declining) ({rate:.0f} customers/s)"
                )
    audit.anchor_head()
    log(f"  seeded in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--card-share", type=float, default=0.9)
    parser.add_argument("--decline-share", type=float, default=0.02)
    args = parser.parse_args()
    seed(args.customers, args.card_share, args.decline_share)


if __name__ == "__main__":
    main()
