"""The messaging benchmark's work inside clientvault: a campaign, withdrawals, figures, profile.

Run by bench/messaging.py in the environment of the database it works on (the customers come
from bench/messaging_seed.py):

    python -m bench.messaging_app send --out sent.json
    python -m bench.messaging_app withdraw --campaign ID --share 0.5 --out withdrawals.jsonl
    python -m bench.messaging_app report --campaign ID --sent sent.json --sink received.tsv ...
    python -m bench.messaging_app profile --messages 300 --sink received.tsv --out profile.json
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connections  # noqa: E402
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from clientvault.accounts.models import (  # noqa: E402
    CustomerStatus,
    Person,
)
from clientvault.messaging.audiences import members_of  # noqa: E402
from clientvault.messaging.delivery import deliver_message  # noqa: E402
from clientvault.messaging.models import (  # noqa: E402
    Audience,
    Campaign,
    Message,
    SkipReason,
    Status,
)
from clientvault.messaging.services import campaigns  # noqa: E402
from clientvault.messaging.services.campaigns import (  # noqa: E402
    create_campaign,
    queue_campaign,
    send_campaign,
)
from clientvault.privacy import vault  # noqa: E402
from clientvault.privacy.actors import SystemActor  # noqa: E402
from clientvault.privacy.models import ConsentRecord, ConsentSource, Subject  # noqa: E402
from clientvault.privacy.services.consent import (  # noqa: E402
    default_consent,
    withdraw_consent,
)
from clientvault.privacy.taxonomy import Purpose  # noqa: E402

ACTOR = SystemActor("bench")
HEADLINE = "Half price, {{ given_name }}"
BODY = (
    "Hello {{ given_name }},\n\nEvery hosting plan is half price this week: move your sites "
    "before Friday and keep the price for a year.\n\nThe clientvault hosting team"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the campaign ----------------------------------------------------------------------------


def send(out: Path) -> None:
    campaign = create_campaign(
        name="Bench offer", audience=Audience.CUSTOMERS, headline=HEADLINE, body=BODY, actor=ACTOR
    )
    started = time.time()
    send_campaign(campaign=campaign, actor=ACTOR)
    out.write_text(json.dumps({"campaign": str(campaign.pk), "send_called": started}))


def reachable() -> QuerySet[Person]:
    """The customers' audience (clientvault.accounts.audiences), without opening any value."""
    people = Person.objects.exclude(customer__status=CustomerStatus.CLOSED)
    return people.filter(email_confirmed_at__isnull=False)


def withdraw(campaign_id: str, share: float, seed_value: int, out: Path) -> None:
    """Once the campaign's first message is sent, withdraw marketing consent for ``share`` of
    its audience, chosen at random, one by one (each its own transaction), as one-click
    unsubscribes from a link would; a line per withdrawal with its record's time and the time
    it was known committed."""
    subjects = sorted(str(s) for s in reachable().values_list("subject_id", flat=True))
    chosen = random.Random(seed_value).sample(subjects, round(len(subjects) * share))
    sent = Message.objects.filter(campaign_id=campaign_id, status=Status.SENT)
    while not sent.exists():
        time.sleep(0.05)
    log(f"  delivery started: withdrawing consent for {len(chosen)} members...")
    with out.open("w", encoding="utf-8") as stream:
        for subject_id in chosen:
            record = withdraw_consent(
                subject=Subject(id=uuid.UUID(subject_id)),
                purpose=Purpose.MARKETING,
                source=ConsentSource.LINK,
                actor=None,
            )
            committed = timezone.now()  # autocommit: the record is committed by now
            line = {"subject": subject_id, "at": record.at.timestamp()}
            stream.write(json.dumps(line | {"committed": committed.timestamp()}) + "\n")
    log("  withdrawals done")


# --- figures ---------------------------------------------------------------------------------


def read_sink(path: Path) -> dict[str, Any]:
    ids: list[str] = []
    times: list[float] = []
    sessions = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == "S":
            sessions += 1
        elif fields[0] == "M":
            times.append(float(fields[1]))
            ids.append(fields[2] if len(fields) > 2 else "")
    return {"ids": ids, "times": times, "sessions": sessions}


def consenting_now() -> int:
    """Members of the audience whose newest marketing record (else the default) grants it."""
    newest = ConsentRecord.objects.filter(
        subject=OuterRef("subject_id"), purpose=Purpose.MARKETING
    ).order_by("-at", "-id")
    people = reachable().annotate(granted=Subquery(newest.values("granted")[:1]))
    count = people.filter(granted=True).count()
    if default_consent(purpose=Purpose.MARKETING):
        count += people.filter(granted__isnull=True).count()
    return count


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _per_second(count: int, seconds: float | None) -> float | None:
    return round(count / seconds, 1) if seconds else None


def report(campaign_id: str, sent_file: Path, sink_file: Path, withdrawals: Path | None) -> Any:
    campaign = Campaign.objects.get(pk=campaign_id)
    send_called = float(json.loads(sent_file.read_text())["send_called"])
    job = DBTaskResult.objects.get(task_path=queue_campaign.module_path)
    messages = Message.objects.filter(campaign=campaign)
    statuses = Counter(messages.values_list("status", flat=True))
    queued = sum(statuses.values())
    sent = statuses.get(Status.SENT, 0)
    no_consent = messages.filter(status=Status.SKIPPED, skip_reason=SkipReason.NO_CONSENT).count()
    times = messages.aggregate(
        first_claim=Min("claimed_at"), last_finish=Max("finished_at"), last_queued=Max("queued_at")
    )
    delivery_jobs = DBTaskResult.objects.filter(task_path=deliver_message.module_path)
    jobs = Counter(delivery_jobs.values_list("status", flat=True))

    queue_start, queue_end = _ts(job.started_at), _ts(job.finished_at)
    first_claim, last_finish = _ts(times["first_claim"]), _ts(times["last_finish"])
    queue_s = queue_end - queue_start if queue_start and queue_end else None
    delivery_s = last_finish - first_claim if first_claim and last_finish else None
    after_queue = messages.filter(finished_at__gt=job.finished_at).count()
    after_queue_s = last_finish - queue_end if last_finish and queue_end else None
    end_to_end_s = last_finish - send_called if last_finish else None
    processed = sent + statuses.get(Status.SKIPPED, 0)

    sink = read_sink(sink_file)
    received = len(sink["ids"])
    unique = set(sink["ids"])
    sent_ids = set(messages.filter(status=Status.SENT).values_list("header_id", flat=True))
    result: dict[str, Any] = {
        "audience": campaign.audience_size,
        "left_out_when_queued": campaign.without_consent,
        "queued": queued,
        "statuses": dict(statuses),
        "sent": sent,
        "skipped_no_consent": no_consent,
        "delivery_jobs": dict(jobs),
        "consenting_at_end": consenting_now(),
        "queueing": {
            "seconds": round(queue_s, 2) if queue_s else None,
            "members_walked_per_second": _per_second(campaign.audience_size, queue_s),
            "consent_checks_per_second": _per_second(campaign.audience_size, queue_s),
            "messages_queued_per_second": _per_second(queued, queue_s),
        },
        "delivery": {
            "seconds": round(delivery_s, 2) if delivery_s else None,
            "sent_per_second": _per_second(sent, delivery_s),
            "processed_per_second": _per_second(processed, delivery_s),
            "processed_after_queueing": after_queue,
            "processed_per_second_after_queueing": _per_second(after_queue, after_queue_s),
        },
        "end_to_end": {
            "seconds": round(end_to_end_s, 2) if end_to_end_s else None,
            "sent_per_second": _per_second(sent, end_to_end_s),
        },
        "sink": {
            "received": received,
            "unique_message_ids": len(unique),
            "duplicates": received - len(unique),
            "connections": sink["sessions"],
            "sent_not_received": len(sent_ids - unique),
            "received_not_sent": len(unique - sent_ids),
        },
    }
    if withdrawals is not None:
        result["withdrawal"] = _withdrawal_checks(messages, withdrawals)
    return result


def _withdrawal_checks(messages: QuerySet[Message], path: Path) -> dict[str, Any]:
    """Each withdrawn member's message against the withdrawal: skipped when its claim (and so
    its consent check) came after the withdrawal committed; sent only when claimed before."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    withdrawn = {w["subject"]: (float(w["at"]), float(w["committed"])) for w in lines}
    rows = messages.values_list("subject_id", "status", "skip_reason", "claimed_at", "sent_at")
    counts: Counter[str] = Counter()
    for subject_id, status, reason, claimed_at, sent_at in rows.iterator(chunk_size=2000):
        times = withdrawn.get(str(subject_id))
        if times is None:
            counts["kept_sent" if status == Status.SENT else f"kept_{status}_{reason}"] += 1
            continue
        at, committed = times
        claimed = claimed_at.timestamp() if claimed_at else None
        if status == Status.SENT:
            counts["withdrawn_sent"] += 1
            if claimed is not None and claimed > committed:
                counts["sent_claimed_after_withdrawal_committed"] += 1
            elif claimed is not None and claimed > at:
                counts["sent_claimed_while_withdrawal_committing"] += 1
            if sent_at is not None and sent_at.timestamp() > at:
                counts["sent_after_withdrawal_time"] += 1
        elif status == Status.SKIPPED and reason == SkipReason.NO_CONSENT:
            counts["withdrawn_skipped_no_consent"] += 1
        else:
            counts[f"withdrawn_{status}_{reason}"] += 1
    first = min((w["at"] for w in lines), default=None)
    last = max((w["committed"] for w in lines), default=None)
    seconds = last - first if first is not None and last is not None else None
    wrongly_skipped = sum(
        v for k, v in counts.items() if k.startswith("kept_") and k != "kept_sent"
    )
    return {
        "withdrawn": len(withdrawn),
        "withdrawals_per_second": _per_second(len(withdrawn), seconds),
        "started": first,
        "finished": last,
        "counts": dict(counts),
        "kept_not_sent": wrongly_skipped,
        "violations": counts.get("sent_claimed_after_withdrawal_committed", 0),
    }


# --- profile ---------------------------------------------------------------------------------

STATEMENT = re.compile(r"^\s*(SELECT|UPDATE|INSERT INTO|DELETE FROM)\s")
TABLE = re.compile(r'(?:FROM|UPDATE|INTO)\s+"(\w+)"')
WATCHED = {  # what the profile reports the cumulative time of: (file suffix, function)
    "deliver_message (the job)": ("messaging/delivery.py", "deliver_message"),
    "claim": ("messaging/delivery.py", "claim"),
    "skip_reason (consent, suppression, address)": ("messaging/delivery.py", "skip_reason"),
    "current_consent": ("privacy/services/consent.py", "current_consent"),
    "render": ("messaging/render.py", "render"),
    "list_headers": ("messaging/unsubscribe.py", "list_headers"),
    "_send_mail (SMTP)": ("messaging/delivery.py", "_send_mail"),
    "_finish (record the state)": ("messaging/delivery.py", "_finish"),
    "queue_campaign (the job)": ("messaging/services/campaigns.py", "queue_campaign"),
    "audience walk (members, opened)": ("accounts/audiences.py", "_members"),
    "queue_message": ("messaging/services/outbox.py", "queue_message"),
    "subject_key (key store when not cached)": ("privacy/vault.py", "subject_key"),
    "decrypt": ("privacy/vault.py", "decrypt"),
    "encrypt": ("privacy/vault.py", "encrypt"),
}


def _kind(sql: str) -> str:
    """A statement's verb and first table, e.g. "SELECT FOR UPDATE messaging_message"."""
    verb = STATEMENT.match(sql)
    if verb is None:
        return sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = TABLE.search(sql)
    name = verb.group(1).split()[0]
    if name == "SELECT" and "FOR UPDATE" in sql:
        name += " FOR UPDATE" + (" SKIP LOCKED" if "SKIP LOCKED" in sql else "")
    return f"{name} {table.group(1) if table else '?'}"


@contextmanager
def counted(queries: Counter[str]) -> Iterator[None]:
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[f"{context['connection'].alias}: {_kind(sql)}"] += 1
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in ("default", "keys"):
            stack.enter_context(connections[alias].execute_wrapper(wrapper))
        yield


def _profiled(profile: cProfile.Profile, total: float, count: int) -> dict[str, Any]:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    shares: dict[str, Any] = {}
    for label, (suffix, function) in WATCHED.items():
        cumulative = calls = 0.0
        for (file, _line, name), (_cc, nc, _tt, ct, _callers) in stats.items():
            if name == function and file.endswith(suffix):
                cumulative, calls = max(cumulative, ct), max(calls, nc)
        if calls:
            shares[label] = {
                "ms_per_message": round(cumulative * 1000 / count, 3),
                "calls_per_message": round(calls / count, 2),
                "share": round(cumulative / total, 3) if total else None,
            }
    return shares


def _figures(queries: Counter[str], count: int, seconds: float) -> dict[str, Any]:
    total = sum(queries.values())
    return {
        "messages": count,
        "ms_per_message": round(seconds * 1000 / count, 2),
        "queries_per_message": round(total / count, 2),
        "queries_by_kind_per_message": {
            kind: round(n / count, 2) for kind, n in queries.most_common()
        },
    }


def _worker(name: str, *, max_tasks: int | None = None) -> Any:
    """django-tasks-db's worker loop, as ``clientvault worker`` runs it, in this process."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=name,
        excluded_queue_names=[],
    )


def _measure(run: Any, count: int) -> dict[str, Any]:
    queries: Counter[str] = Counter()
    profiler = cProfile.Profile()
    with counted(queries):
        started = time.perf_counter()
        profiler.runcall(run)
        seconds = time.perf_counter() - started
    return _figures(queries, count, seconds) | {"time": _profiled(profiler, seconds, count)}


def profile(messages: int, sink_file: Path, out: Path) -> None:
    """A campaign to the audience's first ``messages`` members, queued and then delivered by
    django-tasks-db's worker loop in this process (the jobs, the claims of jobs and their
    results, as in ``clientvault worker``), counting queries by database and statement and
    timing the steps (cProfile). The first 20 deliveries warm up (templates, URLs, profile)."""
    warm = 20
    campaign = create_campaign(
        name="Bench profile", audience=Audience.CUSTOMERS, headline=HEADLINE, body=BODY, actor=ACTOR
    )
    send_campaign(campaign=campaign, actor=ACTOR)  # queues the queueing job
    first_members = lambda audience: islice(members_of(audience), messages + warm)  # noqa: E731
    vault.reset_caches()
    with mock.patch.object(campaigns, "members_of", first_members):
        queueing = _measure(_worker("profile-queue", max_tasks=1).run, messages + warm)
    _worker("profile-warm", max_tasks=warm).run()
    vault.reset_caches()  # a worker has not seen these subjects: their keys are not cached
    sessions_before = read_sink(sink_file)["sessions"]
    delivery = _measure(_worker("profile-deliver").run, messages)
    delivery["smtp_connections_per_message"] = round(
        (read_sink(sink_file)["sessions"] - sessions_before) / messages, 2
    )
    sent = Message.objects.filter(campaign=campaign, status=Status.SENT).count()
    delivery["sent"] = sent
    if sent != messages + warm:
        raise RuntimeError(f"the profile sent {sent} of {messages + warm} messages")
    out.write_text(json.dumps({"queueing": queueing, "delivery": delivery}))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sending = commands.add_parser("send")
    sending.add_argument("--out", type=Path, required=True)
    withdrawing = commands.add_parser("withdraw")
    withdrawing.add_argument("--campaign", required=True)
    withdrawing.add_argument("--share", type=float, default=0.5)
    withdrawing.add_argument("--seed", type=int, default=1)
    withdrawing.add_argument("--out", type=Path, required=True)
    reporting = commands.add_parser("report")
    reporting.add_argument("--campaign", required=True)
    reporting.add_argument("--sent", type=Path, required=True)
    reporting.add_argument("--sink", type=Path, required=True)
    reporting.add_argument("--withdrawals", type=Path)
    reporting.add_argument("--out", type=Path, required=True)
    profiling = commands.add_parser("profile")
    profiling.add_argument("--messages", type=int, default=300)
    profiling.add_argument("--sink", type=Path, required=True)
    profiling.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "send":
        send(args.out)
    elif args.command == "withdraw":
        withdraw(args.campaign, args.share, args.seed, args.out)
    elif args.command == "report":
        figures = report(args.campaign, args.sent, args.sink, args.withdrawals)
        args.out.write_text(json.dumps(figures))
    else:
        profile(args.messages, args.sink, args.out)


if __name__ == "__main__":
    main()
