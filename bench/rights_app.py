"""The rights benchmark's work inside clientvault: ``python -m bench.rights_app seed|measure``.

Run by bench/rights.py in the environment of the database being filled or measured.

``seed --customers N --targets T`` fills a migrated database with N customers:

- N - T background customers, made in bulk (2,000 a transaction): a subject with its own data
  key (wrapped under the master key, as ``vault.create_subject_key`` does, written with
  ``bulk_create``) and its ``subject.created`` audit entry (hash-chained like
  ``record_event``); an individual account; an owner whose name and e-mail address are sealed
  under that key with their blind indexes, and a login; two client-log entries; one login event
  (IP address and browser sealed); one marketing consent record. Each row goes through the
  model's own fields (``bulk_create`` seals vault fields and computes blind indexes as ``save``
  does); only the per-row audit and key-store round trips are batched.
- T target accounts with the footprint of a long-standing customer, made one row at a time
  through the kernel's services: the owner (every profile field filled) and 3 authorised users,
  each a subject of ``create_subject`` with a login; 200 client-log entries; 50 login events;
  consent grants and a refusal (``grant_consent``/``withdraw_consent``); three disclosures
  (``disclose``); the owner's acceptance of the published policy.

``measure`` times, for each target account, its owner's export and then the erasure of the
whole account, through ``rights.services.operator`` (the path of an approved request: a request
is made, verified, worked by ``do_work`` and completed), and a baseline: one row read by primary
key. Queries are counted per database (``default``, ``keys``). The last line is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clientvault.accounts.models import (  # noqa: E402
    Channel,
    ClientLogEntry,
    ClientLogEvent,
    Customer,
    CustomerKind,
    LoginEvent,
    Permission,
    Person,
    PersonRole,
    User,
)
from clientvault.accounts.models.security import LoginOutcome  # noqa: E402
from clientvault.privacy import crypto, vault  # noqa: E402
from clientvault.privacy.actors import SYSTEM  # noqa: E402
from clientvault.privacy.models import (  # noqa: E402
    AuditEvent,
    ConsentRecord,
    ConsentSource,
    Subject,
    SubjectKey,
)
from clientvault.privacy.models.policy import AcceptanceChannel  # noqa: E402
from clientvault.privacy.routers import KEYSTORE_ALIAS  # noqa: E402
from clientvault.privacy.services import audit  # noqa: E402
from clientvault.privacy.services.consent import grant_consent, withdraw_consent  # noqa: E402
from clientvault.privacy.services.disclosures import disclose  # noqa: E402
from clientvault.privacy.services.policy import (  # noqa: E402
    latest_version,
    publish_policy,
    record_acceptance,
)
from clientvault.privacy.services.subjects import create_subject  # noqa: E402
from clientvault.privacy.taxonomy import Purpose  # noqa: E402

BATCH = 2000
SEED = 2026
TARGET_PREFIX = "CV-9"  # target accounts' numbers: CV-9000000 up; background CV-1000000 up
GIVEN = "Olivia Amelia Isla Ava Mia Grace Oliver George Noah Arthur Leo Aisha Omar Priya Wei Mei"
FAMILY = "Smith Jones Taylor Brown Williams Wilson Patel Wright Khan Nguyen Okafor Murphy Kelly"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- background customers, in bulk -------------------------------------------------------------


def _keys_for(subject_ids: list[uuid.UUID]) -> None:
    """Each subject's data key, wrapped as ``vault.create_subject_key`` wraps it, in one insert;
    the keys are remembered so that sealing the batch's values reads no key back."""
    rows = []
    for subject_id in subject_ids:
        key = crypto.new_key()
        wrapped, version = vault._wrap(key, vault._subject_aad(subject_id))
        rows.append(SubjectKey(subject_id=subject_id, wrapped=wrapped, master_version=version))
        vault._remember(subject_id, key)
    SubjectKey.objects.bulk_create(rows)


def _audit_created(subjects: list[Subject]) -> None:
    """Their ``subject.created`` entries, chained after the head as ``record_event`` chains."""
    head = audit._locked_head()  # anchors the genesis on the first append
    key, now, events = audit.audit_key(), timezone.now(), []
    prev, seq = head.hash, head.seq
    for subject in subjects:
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=now,
            actor_id="",
            actor_role="",
            action="subject.created",
            subject_id=subject.pk,
            object_type=Subject._meta.label,
            object_id=str(subject.pk),
            details={},
            prev_hash=prev,
        )
        event.hash = prev = audit.entry_hash(key, prev, audit.hashed_fields(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])


def _background_batch(first: int, count: int, rng: random.Random) -> None:
    given, family = GIVEN.split(), FAMILY.split()
    subjects = [Subject(reference=f"S-B{first + i:07d}") for i in range(count)]
    _keys_for([s.pk for s in subjects])
    now = timezone.now()
    with transaction.atomic():
        Subject.objects.bulk_create(subjects)
        _audit_created(subjects)
        customers = [
            Customer(
                number=f"CV-{1_000_000 + first + i}",
                kind=CustomerKind.INDIVIDUAL,
                created_channel=Channel.ONLINE,
            )
            for i in range(count)
        ]
        Customer.objects.bulk_create(customers)
        users = [User(username=f"bench-{first + i}", subject=s) for i, s in enumerate(subjects)]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        people = []
        for i, (subject, customer, user) in enumerate(zip(subjects, customers, users, strict=True)):
            g, f = rng.choice(given), rng.choice(family)
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
                    country="GB",
                )
            )
        Person.objects.bulk_create(people)
        ClientLogEntry.objects.bulk_create(
            ClientLogEntry(
                customer=p.customer,
                person=p,
                event=event,
                actor_label="you",
                channel=Channel.ONLINE,
                at=now,
            )
            for p in people
            for event in (ClientLogEvent.SIGNED_UP, ClientLogEvent.LOGGED_IN)
        )
        LoginEvent.objects.bulk_create(
            LoginEvent(
                user=p.user,
                subject=p.subject,
                at=now,
                outcome=LoginOutcome.SUCCESS,
                ip_address=f"192.0.2.{rng.randrange(1, 255)}",
                browser=BROWSER,
            )
            for p in people
        )
        ConsentRecord.objects.bulk_create(
            ConsentRecord(
                subject=s,
                purpose=Purpose.MARKETING,
                granted=True,
                source=ConsentSource.FORM,
                at=now,
            )
            for s in subjects
        )


# --- target accounts, through the services -----------------------------------------------------


def _login(subject: Subject, name: str) -> User:
    user = User(username=name, subject=subject)
    user.set_unusable_password()
    user.save()
    return user


def _person(customer: Customer, role: str, index: int, number: int) -> Person:
    subject = create_subject(actor=SYSTEM)
    g, f = GIVEN.split()[index], FAMILY.split()[index]
    return Person.objects.create(
        subject=subject,
        customer=customer,
        user=_login(subject, f"target-{number}-{index}"),
        role=role,
        permissions=list(Permission.values) if role == PersonRole.OWNER else ["support"],
        created_channel=Channel.ONLINE,
        given_name=g,
        family_name=f,
        email=f"{g}.{f}.target{number}@example.org".lower(),
        phone=f"+44 20 7946 0{number % 1000:03d}",
        address_line1=f"{index + 1} High Street",
        address_line2="Flat 2",
        city="London",
        postal_code="SW1A 1AA",
        region="Greater London",
        country="GB",
        employer="Example Ltd",
        job_title="Engineer",
        department="Platform",
        business_phone="+44 20 7946 0999",
    )


def _target(number: int, rng: random.Random) -> None:
    with transaction.atomic():
        customer = Customer.objects.create(
            number=f"CV-{9_000_000 + number}",
            kind=CustomerKind.INDIVIDUAL,
            created_channel=Channel.ONLINE,
        )
        owner = _person(customer, PersonRole.OWNER, 0, number)
        people = [owner] + [
            _person(customer, PersonRole.AUTHORISED_USER, i, number) for i in (1, 2, 3)
        ]
        _history(customer, people, rng)
        _privacy(owner)


def _history(customer: Customer, people: list[Person], rng: random.Random) -> None:
    start = timezone.now() - dt.timedelta(days=900)
    events = list(ClientLogEvent.values)
    ClientLogEntry.objects.bulk_create(
        ClientLogEntry(
            customer=customer,
            person=people[i % len(people)],
            event=rng.choice(events),
            actor_label="you",
            channel=Channel.ONLINE,
            at=start + dt.timedelta(hours=100 * i),
        )
        for i in range(200)
    )
    owner = people[0]
    LoginEvent.objects.bulk_create(
        LoginEvent(
            user=owner.user,
            subject=owner.subject,
            at=start + dt.timedelta(days=17 * i),
            outcome=LoginOutcome.SUCCESS if i % 10 else LoginOutcome.FAILURE,
            ip_address=f"198.51.100.{rng.randrange(1, 255)}",
            browser=BROWSER,
        )
        for i in range(50)
    )


def _privacy(owner: Person) -> None:
    subject = owner.subject
    marketing = Purpose.MARKETING
    grant_consent(subject=subject, purpose=marketing, source=ConsentSource.FORM, actor=SYSTEM)
    withdraw_consent(subject=subject, purpose=marketing, source=ConsentSource.LINK, actor=SYSTEM)
    grant_consent(subject=subject, purpose=marketing, source=ConsentSource.FORM, actor=SYSTEM)
    for recipient in ("Example Registrar Inc", "Registry Services Ltd", "Domains Direct"):
        disclose(
            subject=subject,
            recipient_kind="registrar",
            recipient=recipient,
            categories=["user.name"],
            ground="contract",
            reference="",
            actor=SYSTEM,
        )
    version = latest_version() or publish_policy()
    record_acceptance(
        subject=subject, version=version, channel=AcceptanceChannel.values[0], actor=SYSTEM
    )


def seed(customers: int, targets: int) -> None:
    rng = random.Random(SEED)
    started = time.monotonic()
    background = customers - targets
    for first in range(0, background, BATCH):
        _background_batch(first, min(BATCH, background - first), rng)
        done = min(first + BATCH, background)
        if done % 20_000 == 0 or done == background:
            rate = done / max(time.monotonic() - started, 1e-9)
            log(f"  {done}/{background} background customers ({rate:.0f}/s)")
    audit.anchor_head()
    vault.reset_caches()
    for number in range(targets):
        _target(number, rng)
    log(f"  {targets} target accounts; {time.monotonic() - started:.0f} s in all")


# --- measuring ---------------------------------------------------------------------------------


class QueryCount:
    """Queries run per database while counting (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    @contextmanager
    def counting(self) -> Iterator[None]:
        with (
            connections["default"].execute_wrapper(self._wrapper("default")),
            connections[KEYSTORE_ALIAS].execute_wrapper(self._wrapper(KEYSTORE_ALIAS)),
        ):
            yield

    def _wrapper(self, alias: str) -> Callable[..., Any]:
        def wrapper(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any
        ) -> Any:
            self.counts[alias] += 1
            return execute(sql, params, many, ctx)

        return wrapper


def timed(work: Callable[[], object]) -> tuple[float, dict[str, int]]:
    queries = QueryCount()
    with queries.counting():
        started = time.perf_counter()
        work()
        ms = (time.perf_counter() - started) * 1000
    return ms, dict(queries.counts)


def _export(number: str) -> None:
    from clientvault.rights.services.operator import export_for_operator, resolve

    document = export_for_operator(target=resolve(account=number))
    assert document, "an empty export"


def _erase(number: str) -> None:
    from clientvault.rights.services.operator import erase_for_operator, resolve

    request = erase_for_operator(target=resolve(account=number), reason="bench")
    assert request.status == "completed", f"erasure ended {request.status}"
    assert len(request.outcome["erased"]) == 4, request.outcome


def _bare(subject_id: uuid.UUID) -> None:
    assert Subject.objects.filter(pk=subject_id).first() is not None


def _summary(samples: list[tuple[float, dict[str, int]]]) -> dict[str, Any]:
    ordered = sorted(ms for ms, _ in samples)
    p95_rank = max(1, -(-95 * len(ordered) // 100))
    counts = {alias: sorted(c.get(alias, 0) for _, c in samples) for alias in ("default", "keys")}
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[p95_rank - 1], 2),
        "max_ms": round(ordered[-1], 2),
        "queries": {alias: statistics.median(c) for alias, c in counts.items()},
        "queries_min_max": {alias: [c[0], c[-1]] for alias, c in counts.items()},
    }


def measure(warmup: int, profile_dir: str) -> dict[str, Any]:
    numbers = list(
        Customer.objects.filter(number__startswith=TARGET_PREFIX)
        .order_by("number")
        .values_list("number", flat=True)
    )
    subject_ids = list(Subject.objects.values_list("pk", flat=True)[:2000])
    customers = Customer.objects.count()
    exports, erasures, bare = [], [], []
    for index, number in enumerate(numbers):
        export, erase = timed(lambda n=number: _export(n)), timed(lambda n=number: _erase(n))
        for subject_id in subject_ids[index * 50 : index * 50 + 50]:
            sample = timed(lambda s=subject_id: _bare(s))
            if index >= warmup:
                bare.append(sample)
        if index >= warmup:
            exports.append(export)
            erasures.append(erase)
    if profile_dir:
        _profile(profile_dir)
    return {
        "customers": customers,
        "export": _summary(exports),
        "erasure": _summary(erasures),
        "baseline_select_by_pk": _summary(bare),
    }


def _profile(directory: str) -> None:
    """One more target (seeded for it), exported and erased under pyinstrument."""
    from pyinstrument import Profiler

    _target(999, random.Random(SEED))
    vault.reset_caches()
    number = f"CV-{9_000_000 + 999}"
    for name, work in (("export", _export), ("erasure", _erase)):
        profiler = Profiler(interval=0.0005)
        with profiler:
            work(number)
        path = os.path.join(directory, f"{name}.txt")
        with open(path, "w") as handle:
            handle.write(profiler.output_text(unicode=False, color=False, show_all=False))
        log(f"  profile of the {name}: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--customers", type=int, required=True)
    seeding.add_argument("--targets", type=int, required=True)
    measuring = commands.add_parser("measure")
    measuring.add_argument("--warmup", type=int, default=2)
    measuring.add_argument("--profile-dir", default="")
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.customers, args.targets)
    else:
        print(json.dumps(measure(args.warmup, args.profile_dir)), flush=True)


if __name__ == "__main__":
    main()
