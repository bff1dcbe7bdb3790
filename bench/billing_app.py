"""The billing benchmark's work inside clientvault: ``python -m bench.billing_app measure``.

Run by bench/billing.py in the environment of a fresh copy of the data (bench/billing_seed.py),
with the test gateway running on a copy of its state. In one process, as ``run_billing`` runs
them (``clientvault.billing.jobs``):

1. **Invoicing**: ``invoice_subscriptions(today=<the subscriptions' day>)``, every subscription
   due that day; one invoice per account.
2. **Charging**: ``charge_due_invoices(today=<the invoices' due date>)``, so every invoice issued
   in step 1 is due and charged once on its account's default card, if it has one.
3. **Checks**: invoices made == subscriptions due; charges at the gateway (read from its state
   file) == payments succeeded + failed, one charge per invoice at most (none charged twice);
   the amounts of the succeeded charges at the gateway == the succeeded payments == what the
   paid invoices were paid.
4. **Baseline**: as many charges as step 2 made, on the same cards, sent straight to the
   gateway's API with the same HTTP client (clientvault's test gateway adapter, ``charge``)
   and nothing else: no database, no vault, no disclosure, no audit. The tokens are revealed
   beforehand, outside the timing.

Queries are counted per phase and database (``default``, ``keys``) with
``connection.execute_wrapper``, and by statement kind. The result is written as JSON to
``--out``. ``--profile-dir`` profiles both phases with pyinstrument (not a dependency of
clientvault: ``pip install pyinstrument``) and writes the profiles there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count, Max, Min, Sum  # noqa: E402

from clientvault.billing.gateways.testgateway import TestGateway  # noqa: E402
from clientvault.billing.jobs import BILLING_RUN  # noqa: E402
from clientvault.billing.models import (  # noqa: E402
    GatewayCustomer,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
)
from clientvault.billing.services.charging import CHARGING, charge_due_invoices  # noqa: E402
from clientvault.billing.services.invoices import invoice_subscriptions  # noqa: E402
from clientvault.billing.services.notices import area_url  # noqa: E402
from clientvault.privacy.reveal import reveal  # noqa: E402
from clientvault.privacy.routers import KEYSTORE_ALIAS  # noqa: E402

SEED = 2026


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class QueryCount:
    """Queries run per database and per statement kind while counting."""

    def __init__(self) -> None:
        self.by_alias: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()

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
            self.by_alias[alias] += 1
            words = sql.lstrip().split(None, 2)
            kind = words[0].upper() if words else "?"
            if kind == "SELECT" and sql.rstrip().upper().endswith("FOR UPDATE"):
                kind = "SELECT FOR UPDATE"
            self.by_kind[f"{alias} {kind}"] += 1
            return execute(sql, params, many, ctx)

        return wrapper


def _profiler(directory: str, name: str) -> Any:
    if not directory:
        return nullcontext()
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.bench_name = name  # type: ignore[attr-defined]
    return profiler


def _save_profile(profiler: Any, directory: str) -> None:
    if not directory:
        return
    path = Path(directory) / f"{profiler.bench_name}.txt"
    path.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    log(f"  profile: {path}")


def phase(
    name: str, count_of: Callable[[Any], int], work: Callable[[], Any], profile_dir: str
) -> tuple[Any, dict[str, Any]]:
    """Run ``work`` once, timed (wall and this process's CPU) with its queries counted."""
    queries = QueryCount()
    profiler = _profiler(profile_dir, name)
    with queries.counting(), profiler:
        cpu, started = time.process_time(), time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    if profile_dir:
        _save_profile(profiler, profile_dir)
    count = count_of(result)
    total = sum(queries.by_alias.values())
    figures = {
        "count": count,
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1) if seconds else None,
        "ms_each": round(seconds * 1000 / count, 3) if count else None,
        "cpu_ms_each": round(cpu * 1000 / count, 3) if count else None,
        "queries": total,
        "queries_each": round(total / count, 2) if count else None,
        "queries_by_database": dict(queries.by_alias),
        "queries_by_kind_each": {
            kind: round(n / count, 2) if count else n for kind, n in queries.by_kind.most_common()
        },
    }
    return result, figures


# --- checks --------------------------------------------------------------------------------------


def gateway_charges(state: Path) -> dict[str, Any]:
    """What the gateway holds of the charges made: read from its state file (read-only)."""
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
        by_status = {
            row[0]: {"count": row[1], "amount": row[2] or 0}
            for row in db.execute("SELECT status, count(*), sum(amount) FROM charges GROUP BY 1")
        }
        repeated = db.execute(
            "SELECT count(*) FROM (SELECT description FROM charges GROUP BY description"
            " HAVING count(*) > 1)"
        ).fetchone()[0]
        total = db.execute("SELECT count(*) FROM charges").fetchone()[0]
    return {"charges": total, "by_status": by_status, "invoices_charged_twice": repeated}


def checks(due: int, invoiced: int, gateway: dict[str, Any]) -> dict[str, Any]:
    payments = Payment.objects.filter(kind=PaymentKind.CHARGE)
    by_status = {
        row["status"]: {"count": row["n"], "amount": row["amount"] or 0}
        for row in payments.values("status").annotate(n=Count("id"), amount=Sum("amount"))
    }
    succeeded = by_status.get(PaymentStatus.SUCCEEDED, {"count": 0, "amount": 0})
    failed = by_status.get(PaymentStatus.FAILED, {"count": 0, "amount": 0})
    paid = Invoice.objects.filter(status=InvoiceStatus.PAID).aggregate(
        n=Count("id"), amount=Sum("amount_paid")
    )
    invoices = Invoice.objects.count()
    lines = InvoiceLine.objects.count()
    at_gateway_ok = gateway["by_status"].get("succeeded", {"count": 0, "amount": 0})
    figures = {
        "subscriptions_due": due,
        "invoices_made": invoiced,
        "invoices_in_database": invoices,
        "invoice_lines": lines,
        "payments": by_status,
        "paid_invoices": paid["n"],
        "paid_invoices_amount": paid["amount"] or 0,
        "gateway": gateway,
    }
    figures["ok"] = {
        "invoices_equal_subscriptions_due": invoiced == due == invoices == lines,
        "gateway_charges_equal_payments_settled": gateway["charges"]
        == succeeded["count"] + failed["count"]
        and not by_status.get(PaymentStatus.PENDING),
        "no_invoice_charged_twice": gateway["invoices_charged_twice"] == 0
        and payments.values("invoice").annotate(n=Count("id")).filter(n__gt=1).count() == 0,
        "succeeded_amount_equals_paid_invoices": at_gateway_ok["amount"]
        == succeeded["amount"]
        == (paid["amount"] or 0)
        and at_gateway_ok["count"] == succeeded["count"] == paid["n"],
    }
    return figures


# --- the baseline --------------------------------------------------------------------------------


def baseline(limit: int) -> dict[str, Any]:
    """The gateway's own cost of a charge: the run's charges again, straight to its API."""
    payments = (
        Payment.objects.filter(kind=PaymentKind.CHARGE)
        .exclude(status=PaymentStatus.PENDING)
        .select_related("method__payer")
        .order_by("pk")
    )
    if limit:
        payments = payments[:limit]
    refs = dict(GatewayCustomer.objects.values_list("customer_id", "reference"))
    calls = []
    for p in payments:
        assert p.method is not None
        token = str(reveal(p.method, "token", "payment_processing", CHARGING))
        calls.append((refs[p.customer_id], token, p.amount, p.currency, p.pk))
    gateway = TestGateway()
    outcomes: Counter[bool] = Counter()
    cpu, started = time.process_time(), time.perf_counter()
    for customer_ref, token, amount, currency, pk in calls:
        result = gateway.charge(
            customer_ref=customer_ref,
            token=token,
            amount=amount,
            currency=currency,
            idempotency_key=f"bench-baseline-{pk}",
            description=f"Baseline {pk}",
        )
        outcomes[result.succeeded] += 1
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    count = len(calls)
    return {
        "charges": count,
        "succeeded": outcomes[True],
        "declined": outcomes[False],
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1) if seconds else None,
        "ms_each": round(seconds * 1000 / count, 3) if count else None,
        "cpu_ms_each": round(cpu * 1000 / count, 3) if count else None,
    }


# --- the run -------------------------------------------------------------------------------------


def bill_only(day: datetime.date, billed: int) -> None:
    """Leave ``billed`` subscriptions, chosen at random, due on ``day`` and move the others to
    the following 27 days, as a daily run meets them when customers signed up on different
    days (done before the timing, then vacuumed and analysed)."""
    table = Subscription._meta.db_table
    ids = sorted(
        Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, next_invoice_on=day
        ).values_list("pk", flat=True)
    )
    kept = random.Random(SEED).sample(ids, min(billed, len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_invoice_on = next_invoice_on + (1 + id %% 27)::int"
            " WHERE status = %s AND next_invoice_on = %s",
            [SubscriptionStatus.ACTIVE, day],
        )
        cursor.execute(f"UPDATE {table} SET next_invoice_on = %s WHERE id = ANY(%s)", [day, kept])
        cursor.execute(f"VACUUM (ANALYZE) {table}")


def warm_up() -> None:
    """What the first invoice of a process would pay once: the URL configuration (the notices
    link to the customer area)."""
    area_url()


def measure(state: Path, profile_dir: str, baseline_limit: int, billed: int) -> dict[str, Any]:
    active = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE)
    day: datetime.date = active.aggregate(day=Min("next_invoice_on"))["day"]
    if billed:
        bill_only(day, billed)
    warm_up()
    due = active.filter(next_invoice_on__lte=day).count()
    customers = Subscription.objects.values("customer").distinct().count()
    log(f"  invoicing {due} subscriptions due on {day}...")
    invoiced, invoicing = phase(
        "invoicing",
        int,
        lambda: invoice_subscriptions(today=day, actor=BILLING_RUN),
        profile_dir,
    )
    charge_day: datetime.date = Invoice.objects.aggregate(day=Max("due_on"))["day"]
    log(f"  {invoiced} invoices in {invoicing['seconds']} s; charging on {charge_day}...")
    run, charging = phase(
        "charging",
        lambda r: int(r.attempted),
        lambda: charge_due_invoices(today=charge_day),
        profile_dir,
    )
    charging["succeeded"], charging["declined"], charging["pending"] = (
        run.succeeded,
        run.failed,
        run.pending,
    )
    log(f"  {run.attempted} charges in {charging['seconds']} s; checking...")
    found = checks(due, invoiced, gateway_charges(state))
    seconds = invoicing["seconds"] + charging["seconds"]
    queries = invoicing["queries"] + charging["queries"]
    total = {
        "invoices": invoiced,
        "seconds": round(seconds, 3),
        "invoices_per_second": round(invoiced / seconds, 1) if seconds else None,
        "ms_per_invoice": round(seconds * 1000 / invoiced, 3) if invoiced else None,
        "queries": queries,
        "queries_per_invoice": round(queries / invoiced, 2) if invoiced else None,
    }
    log(f"  baseline: {run.attempted} charges straight to the gateway...")
    base = baseline(baseline_limit)
    return {
        "customers": customers,
        "billed": due,
        "day": day.isoformat(),
        "charge_day": charge_day.isoformat(),
        "invoicing": invoicing,
        "charging": charging,
        "total": total,
        "checks": found,
        "baseline": base,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measuring = commands.add_parser("measure")
    measuring.add_argument("--gateway-state", type=Path, required=True)
    measuring.add_argument("--out", type=Path, required=True)
    measuring.add_argument("--profile-dir", default="")
    measuring.add_argument("--baseline-limit", type=int, default=0, help="0: as many as charged")
    measuring.add_argument("--billed", type=int, default=0, help="subscriptions due; 0: all")
    args = parser.parse_args()
    result = measure(args.gateway_state, args.profile_dir, args.baseline_limit, args.billed)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
