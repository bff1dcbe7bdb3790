"""Breach response benchmark: scope a compromised support login in a large access log, and make
the letters to the people it saw.

    .venv/bin/python bench/incidents.py                  # 100,000 people, 1M then 10M entries
    .venv/bin/python bench/incidents.py --scale 0.01     # a quick check (1,000 people, 10k/100k)

On PostgreSQL (``--postgres``, default the local server) it creates ``bench_incidents`` and
``bench_incidents_keys``, migrates them, and in a child process with production settings:

1. **Data.** ``--scale`` x 100,000 subjects and a support login (``bench-mallory``) that viewed
   ``--scale`` x 5,000 customers over a month (3 views each, one in five a reveal of a field),
   inserted with ``generate_series`` straight into the tables; then other staff's entries (views,
   reveals, sign-ins, spread over the same month) up to ``--scale`` x 1M access-log entries. The
   rows are written by SQL, not by ``record_event``: their hash chain does not verify (the
   benchmark measures reading, and states it); the audit head and its anchor are then moved to
   the last row (``rebase_anchor``), so the entries the scoping appends chain on normally.
2. **Scope at 1M.** ``scope_incident`` for the login over the month, on a new incident each time:
   the median of 3 runs (seconds), with the people and entries found.
3. **Scope at 10M.** More entries of other staff up to ``--scale`` x 10M, ``ANALYZE``, and the
   same 3 runs. The ratio 10M / 1M should stay near 1: the scoping reads the login's entries by
   the ``(actor_id, at)`` index, so it grows with that login's activity, not with the log.
4. **Letters.** WeasyPrint renders the letters of ``--letters`` people (default a sample of 500
   of the 5,000, said so in the JSON) as one print PDF, a page each, from generated names and
   addresses (the bench's subjects have no person records): letters per second.

The databases are dropped at the end. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    CACHE,
    DEFAULT_POSTGRES,
    PYTHON,
    REPO,
    Children,
    Postgres,
    children,
    fresh_dir,
    log,
    production_env,
)

SUBJECTS, CUSTOMERS, SMALL, LARGE = 100_000, 5_000, 1_000_000, 10_000_000
VIEWS_EACH = 3
RUNS = 3
MONTH_S = 30 * 24 * 3600
START = "2026-10-01 00:00:00+00"
BATCH = 1_000_000
NAME = "bench_incidents"

# --- in the child process (Django set up, production settings) --------------------------------

_NOISE = """
INSERT INTO privacy_auditevent
    (seq, at, actor_id, actor_role, action, subject_id, purpose, object_type, object_id,
     details, prev_hash, hash)
SELECT g,
       %(start)s::timestamptz + ((g * 104729) %% %(span)s) * interval '1 second',
       'user:' || (1000000 + g %% 500),
       'support',
       CASE WHEN g %% 10 < 7 THEN 'access.view' WHEN g %% 10 < 8 THEN 'reveal'
            ELSE 'login.succeeded' END,
       md5('s' || (1 + (g * 7919) %% %(subjects)s))::uuid,
       'support', '', '',
       CASE WHEN g %% 10 < 7 THEN '{"what": "customer.person:phone"}'::jsonb
            WHEN g %% 10 < 8 THEN '{"model": "accounts.Person", "field": "email"}'::jsonb
            ELSE '{}'::jsonb END,
       '', md5(g::text) || md5('h' || g::text)
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
"""
_MALLORY = """
INSERT INTO privacy_auditevent
    (seq, at, actor_id, actor_role, action, subject_id, purpose, object_type, object_id,
     details, prev_hash, hash)
SELECT g,
       %(start)s::timestamptz + (g * %(span)s / %(total)s) * interval '1 second',
       %(actor)s, 'support',
       CASE WHEN g %% 5 = 0 THEN 'reveal' ELSE 'access.view' END,
       md5('s' || (1 + (g %% %(customers)s) * %(stride)s))::uuid,
       'support', '', '',
       CASE WHEN g %% 5 = 0 THEN '{"model": "accounts.Person", "field": "email"}'::jsonb
            WHEN g %% 5 = 1 THEN '{"what": "customer.person:phone"}'::jsonb
            WHEN g %% 5 = 2 THEN '{"what": "billing.account"}'::jsonb
            WHEN g %% 5 = 3 THEN '{"what": "hosting.account"}'::jsonb
            ELSE '{"what": "support.ticket"}'::jsonb END,
       '', md5(g::text) || md5('h' || g::text)
FROM generate_series(1::bigint, %(total)s::bigint) g
"""


def _execute(statement: str, values: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, values)


def _top_seq() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) FROM privacy_auditevent")
        return int(cursor.fetchone()[0])


def _rebase() -> None:
    """Move the audit head to the last row, and the key store's checkpoint with it."""
    from clientvault.privacy.services.audit import rebase_anchor

    _execute(
        "INSERT INTO privacy_audithead (id, seq, hash, chain_id) "
        "SELECT 1, seq, hash, gen_random_uuid() FROM privacy_auditevent "
        "ORDER BY seq DESC LIMIT 1 "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        {},
    )
    rebase_anchor()
    _execute("ANALYZE", {})


def child_seed(subjects: int, customers: int, entries: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.create(username="bench-mallory", is_staff=True)
    started = time.monotonic()
    _execute(
        "INSERT INTO privacy_subject (id, reference, created_at) "
        "SELECT md5('s' || g)::uuid, 'B-' || lpad(g::text, 10, '0'), now() "
        "FROM generate_series(1, %(n)s) g",
        {"n": subjects},
    )
    total = customers * VIEWS_EACH
    _execute(
        _MALLORY,
        {
            "start": START,
            "span": MONTH_S,
            "total": total,
            "actor": f"user:{user.pk}",
            "customers": customers,
            "stride": subjects // customers,
            "subjects": subjects,
        },
    )
    child_grow(subjects, entries)
    return {"actor": f"user:{user.pk}", "seed_seconds": round(time.monotonic() - started, 1)}


def child_grow(subjects: int, entries: int) -> dict[str, Any]:
    """Other staff's entries, in batches, until the log holds ``entries``."""
    started = time.monotonic()
    low = _top_seq() + 1
    while low <= entries:
        high = min(entries, low + BATCH - 1)
        values = {"start": START, "span": MONTH_S, "subjects": subjects, "lo": low, "hi": high}
        _execute(_NOISE, values)
        low = high + 1
    _rebase()
    return {"entries": _top_seq(), "grow_seconds": round(time.monotonic() - started, 1)}


def child_scope() -> dict[str, Any]:
    import datetime as dt

    from clientvault.incidents.models import ScopeKind
    from clientvault.incidents.services.incidents import Facts, open_incident
    from clientvault.incidents.services.scope import ScopeAsk, scope_incident
    from clientvault.privacy.actors import SystemActor

    actor = SystemActor("bench")
    since = dt.datetime.fromisoformat(START.replace(" ", "T").replace("+00", "+00:00"))
    until = since + dt.timedelta(seconds=MONTH_S + 1)
    seconds, found = [], {}
    for run in range(RUNS):
        facts = Facts(
            title=f"Bench {run}", description="Bench.", started_at=since, discovered_at=until
        )
        incident = open_incident(facts=facts, actor=actor)
        ask = ScopeAsk(kind=ScopeKind.LOGIN, since=since, until=until, login="bench-mallory")
        started = time.perf_counter()
        result = scope_incident(incident=incident, ask=ask, actor=actor)
        seconds.append(time.perf_counter() - started)
        found = {"people": result.subjects, "entries_read": result.events}
    return {
        "runs_s": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3),
        **found,
    }


def child_letters(people: int) -> dict[str, Any]:
    from clientvault.incidents.models import Incident
    from clientvault.incidents.services.letters import Letter, render_letters
    from clientvault.incidents.wording import notice_text

    incident = Incident.objects.order_by("created_at").first()
    assert incident is not None
    categories = ["user.name", "user.contact.email", "user.contact.address"]
    text = notice_text(incident, categories)
    letters = [
        Letter(
            f"Customer {n}",
            (f"{n} Bench Street", "Flat 2", f"{10000 + n} Benchtown", "GB"),
            text,
        )
        for n in range(people)
    ]
    started = time.perf_counter()
    pdf = render_letters(letters)
    took = time.perf_counter() - started
    return {
        "people": people,
        "seconds": round(took, 2),
        "per_second": round(people / took, 1),
        "pdf_bytes": len(pdf),
    }


def child_main(argv: list[str]) -> None:
    import django

    django.setup()
    step, *values = argv
    numbers = [int(v) for v in values]
    steps: dict[str, Callable[..., dict[str, Any]]] = {
        "seed": child_seed,
        "grow": child_grow,
        "scope": child_scope,
        "letters": child_letters,
    }
    print(json.dumps(steps[step](*numbers)), flush=True)


# --- in the parent process (no Django) ----------------------------------------------------------


def run_child(group: Children, env: dict[str, str], *args: object) -> dict[str, Any]:
    command = [PYTHON, str(Path(__file__).resolve()), "--child", *map(str, args)]
    process = group.start(command, env=env, cwd=REPO, stdout=subprocess.PIPE)
    out, _ = process.communicate()
    group.stop(process)
    if process.returncode != 0:
        raise SystemExit(f"the child step {args[0]} failed ({process.returncode})")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of 100k people, 1M/10M entries")
    parser.add_argument("--letters", type=int, default=500, help="people whose letters to render")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    return parser.parse_args()


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
        return
    args = parse_args()
    subjects, customers = int(SUBJECTS * args.scale), max(10, int(CUSTOMERS * args.scale))
    small, large = int(SMALL * args.scale), int(LARGE * args.scale)
    postgres = Postgres(args.postgres)
    result: dict[str, Any] = {
        "benchmark": "incidents",
        "scale": args.scale,
        "subjects": subjects,
        "compromised_login_customers": customers,
        "compromised_login_entries": customers * VIEWS_EACH,
        "hash_chain": "seeded rows are inserted by SQL and do not verify; head and anchor rebased",
    }
    try:
        postgres.create(NAME)
        postgres.create(NAME + "_keys")
        env = production_env(
            data_url=postgres.url(NAME),
            keys_url=postgres.url(NAME + "_keys"),
            var_dir=fresh_dir(CACHE / "incidents-var"),
        )
        with children() as group:
            command = [PYTHON, "-m", "clientvault.cli"]
            group.run([*command, "migrate", "--noinput", "-v0"], env)
            group.run([*command, "migrate", "--database", "keys", "--noinput", "-v0"], env)
            log(f"Seeding {subjects} people and {small} entries...")
            result["seed"] = run_child(group, env, "seed", subjects, customers, small)
            log("Scoping at the small log...")
            result["scope_small"] = {"entries": small, **run_child(group, env, "scope")}
            log(f"Growing the log to {large} entries...")
            result["grow"] = run_child(group, env, "grow", subjects, large)
            log("Scoping at the large log...")
            result["scope_large"] = {"entries": large, **run_child(group, env, "scope")}
            people = min(args.letters, customers)
            log(f"Rendering {people} letters...")
            result["letters"] = run_child(group, env, "letters", people)
    finally:
        postgres.drop(NAME)
        postgres.drop(NAME + "_keys")
    small_s, large_s = result["scope_small"]["median_s"], result["scope_large"]["median_s"]
    result["scope_ratio_large_over_small"] = round(large_s / small_s, 3) if small_s else None
    result["letters"]["sample"] = people < customers
    result["letters"]["of_people"] = customers
    result["letters_per_second"] = result["letters"]["per_second"]
    result["goal_ratio_near_1"] = bool(small_s and large_s / small_s <= 1.5)
    log(json.dumps({k: result[k] for k in ("scope_small", "scope_large")}, indent=2))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
