"""Billing benchmark: a monthly billing run for 10,000 and 100,000 customers on PostgreSQL.

    .venv/bin/python bench/billing.py                          # 10,000 and 100,000 customers
    .venv/bin/python bench/billing.py --sizes 1000             # a quick check
    .venv/bin/python bench/billing.py --help                   # every option

For each size the customers (bench/billing_seed.py: an owner, a billing account, a monthly
subscription, and for 90% a card added through the test gateway's hosted form) are built once
and kept: template databases ``bench_billing_<N>_template`` and ``..._keys``, and the test
gateway's state file beside them under var/bench/, rebuilt when a migration, the generator or
the gateway's store changes, or with ``--rebuild``. Each run takes a fresh copy of all three,
starts the test gateway (``clientvault testgateway serve``, its own process, on a free port)
on its copied state, and runs the billing run's two steps in one clientvault process with
production settings (bench/billing_app.py): ``invoice_subscriptions`` on the subscriptions' day,
then ``charge_due_invoices`` on the invoices' due date; then the checks, and the baseline (the
same number of charges sent straight to the gateway's API by the same HTTP client, without
clientvault). Everything it starts is stopped at the end, on an error, Ctrl-C or SIGTERM, and
its run databases dropped.

The last line printed is one JSON object: per size the figures of each phase (medians over
``--repeats``), the checks, the baseline, and the ratios of the largest size to the smallest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

if __package__ in (None, ""):  # run as a file: make the repository importable
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
    secret_file,
)

SEED_VERSION = "1"  # raise when bench/billing_seed.py makes different data
GOAL_RATIO = 1.2
READY_TIMEOUT = 60.0
STATE = "testgateway.sqlite3"
CLI = [PYTHON, "-m", "clientvault.cli"]
# What autovacuum would keep analysed (and pruned) during a run, when the server's autovacuum is
# off: the tables a billing run fills or updates row by row.
VACUUMED = (
    "billing_invoice",
    "billing_invoiceline",
    "billing_invoiceseries",
    "billing_payment",
    "billing_subscription",
    "privacy_auditevent",
    "privacy_audithead",
    "privacy_disclosure",
    "messaging_message",
    "django_tasks_database_dbtaskresult",
    "accounts_clientlogentry",
)


# --- the cached data -------------------------------------------------------------------------


def template(customers: int) -> str:
    """The template database of this size (its key store: the same name + "_keys")."""
    return f"bench_billing_{customers}_template"


def run_db(customers: int) -> str:
    return f"bench_billing_{customers}_run"


def template_state(customers: int) -> Path:
    """The test gateway's state that goes with the template (its customers and cards)."""
    return CACHE / f"billing-{customers}" / "template-gateway" / STATE


def data_fingerprint(customers: int, card_share: float, decline_share: float) -> str:
    """What the template depends on: migrations, the generator, the gateway's store, the size."""
    digest = hashlib.sha256(f"{SEED_VERSION}:{customers}:{card_share}:{decline_share}".encode())
    sources = sorted(REPO.glob("clientvault/*/migrations/*.py"))
    sources += [REPO / "bench/billing_seed.py", REPO / "clientvault/testgateway/store.py"]
    for path in sources:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def gateway_env(env: dict[str, str], port: int, secret: str) -> dict[str, str]:
    return env | {
        "CLIENTVAULT_PAYMENT_GATEWAY": "test",
        "CLIENTVAULT_TEST_GATEWAY_URL": f"http://127.0.0.1:{port}",
        "CLIENTVAULT_TEST_GATEWAY_SECRET": secret,
    }


def gateway_secret() -> str:
    return secret_file(CACHE / "testgateway.secret", f"whsec_{secrets.token_urlsafe(24)}")


def ensure_template(
    postgres: Postgres, group: Children, customers: int, args: argparse.Namespace
) -> float | None:
    """Build the template unless it is current; the seconds the build took (None: reused)."""
    manifest = CACHE / f"billing-{customers}-manifest.json"
    name, keys = template(customers), template(customers) + "_keys"
    wanted = {"data": data_fingerprint(customers, args.card_share, args.decline_share)}
    current = manifest.exists() and json.loads(manifest.read_text()) == wanted
    state = template_state(customers)
    kept = postgres.exists(name) and postgres.exists(keys) and state.exists()
    if current and kept and not args.rebuild:
        return None
    log(f"Building the benchmark data ({customers} customers; kept for later runs)...")
    manifest.unlink(missing_ok=True)
    started = time.monotonic()
    postgres.create(name)
    postgres.create(keys)
    fresh_dir(state.parent)
    var_dir = fresh_dir(CACHE / f"billing-{customers}" / "template-var")
    env = production_env(data_url=postgres.url(name), keys_url=postgres.url(keys), var_dir=var_dir)
    group.run([*CLI, "migrate", "--noinput", "-v0"], env)
    group.run([*CLI, "migrate", "--database", "keys", "--noinput", "-v0"], env)
    port = free_port()
    env = gateway_env(env, port, gateway_secret())
    gateway = start_gateway(group, env, port, state, var_dir / "gateway.log")
    seed = [PYTHON, "-m", "bench.billing_seed", f"--customers={customers}"]
    seed += [f"--card-share={args.card_share}", f"--decline-share={args.decline_share}"]
    group.run(seed, env)
    group.stop(gateway)  # closes its state file: everything is in the main file
    analyse(postgres.url(name))
    analyse(postgres.url(keys))
    manifest.write_text(json.dumps(wanted))
    seconds = time.monotonic() - started
    log(f"Built in {seconds:.0f} s.")
    return seconds


def analyse(url: str) -> None:
    """Statistics for the planner, as autovacuum would keep them."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gateway(
    group: Children, env: dict[str, str], port: int, state: Path, log_path: Path
) -> subprocess.Popen[bytes]:
    """The test gateway on ``state``, in its own process, once it answers; its requests are
    logged (route and status only) to ``log_path``."""
    command = [*CLI, "testgateway", "serve", f"--port={port}", f"--state={state}"]
    command.append("--webhook-url=")  # charges are settled from the API's answers
    with log_path.open("ab") as output:
        process = group.start(command, env=env, cwd=REPO, stdout=output, stderr=output)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test gateway stopped while starting: see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the test gateway did not answer on {port} within {READY_TIMEOUT:.0f} s")


def autovacuum_on(postgres: Postgres) -> bool:
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as connection:
        row = connection.execute("SHOW autovacuum").fetchone()
    return row is not None and row[0] == "on"


def vacuum(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")


# --- one run ---------------------------------------------------------------------------------


def measure(
    postgres: Postgres, group: Children, customers: int, args: argparse.Namespace, number: int
) -> dict[str, Any]:
    name = run_db(customers)
    postgres.create(name, template=template(customers))
    postgres.create(name + "_keys", template=template(customers) + "_keys")
    work = fresh_dir(CACHE / f"billing-{customers}" / "run")
    state = work / STATE
    shutil.copy(template_state(customers), state)
    load_before = os.getloadavg()[0]
    try:
        env = production_env(
            data_url=postgres.url(name), keys_url=postgres.url(name + "_keys"), var_dir=work
        )
        port = free_port()
        env = gateway_env(env, port, gateway_secret())
        start_gateway(group, env, port, state, work / "gateway.log")
        log(f"Run {number} at {customers} customers (load average {load_before:.1f}):")
        out = work / "result.json"
        command = [PYTHON, "-m", "bench.billing_app", "measure", f"--gateway-state={state}"]
        command += [f"--out={out}", f"--baseline-limit={args.baseline_limit}"]
        command.append(f"--billed={args.billed}")
        if args.profile:
            profile_dir = fresh_dir(CACHE / f"billing-profile-{customers}")
            command.append(f"--profile-dir={profile_dir}")
        process = group.start(command, env=env, cwd=REPO)
        vacuumed = time.monotonic()
        while process.poll() is None:
            time.sleep(0.5)
            if args.vacuum_every and time.monotonic() - vacuumed > args.vacuum_every:
                vacuum(postgres.url(name))
                vacuumed = time.monotonic()
        if process.returncode != 0:
            raise RuntimeError(f"the measuring process failed ({process.returncode})")
        result: dict[str, Any] = json.loads(out.read_text())
    finally:
        group.stop_all()
        postgres.drop(name)
        postgres.drop(name + "_keys")
    result["load_average_before"] = round(load_before, 2)
    result["charging"]["over_baseline"] = _ratio(
        result["charging"]["ms_each"], result["baseline"]["ms_each"]
    )
    print_run(customers, number, result)
    return result


# --- figures ---------------------------------------------------------------------------------


def _ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 3) if value and base else None


def _median(runs: list[dict[str, Any]], *path: str) -> Any:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value[key]
        if value is not None:
            values.append(value)
    return round(statistics.median(values), 3) if values else None


def summarise(runs: list[dict[str, Any]], seed_seconds: float | None) -> dict[str, Any]:
    return {
        "customers": runs[0]["customers"],
        "billed": runs[0]["billed"],
        "invoices": runs[0]["total"]["invoices"],
        "charges": runs[0]["charging"]["count"],
        "invoicing": {
            "invoices_per_second": _median(runs, "invoicing", "per_second"),
            "ms_per_invoice": _median(runs, "invoicing", "ms_each"),
            "queries_per_invoice": _median(runs, "invoicing", "queries_each"),
            "cpu_ms_per_invoice": _median(runs, "invoicing", "cpu_ms_each"),
        },
        "charging": {
            "charges_per_second": _median(runs, "charging", "per_second"),
            "ms_per_charge": _median(runs, "charging", "ms_each"),
            "queries_per_charge": _median(runs, "charging", "queries_each"),
            "cpu_ms_per_charge": _median(runs, "charging", "cpu_ms_each"),
            "ms_per_charge_over_baseline": _median(runs, "charging", "over_baseline"),
        },
        "total": {
            "invoices_per_second": _median(runs, "total", "invoices_per_second"),
            "ms_per_invoice": _median(runs, "total", "ms_per_invoice"),
            "queries_per_invoice": _median(runs, "total", "queries_per_invoice"),
        },
        "baseline": {
            "charges_per_second": _median(runs, "baseline", "per_second"),
            "ms_per_charge": _median(runs, "baseline", "ms_each"),
        },
        "checks_ok": all(all(r["checks"]["ok"].values()) for r in runs),
        "seed_seconds": round(seed_seconds) if seed_seconds is not None else None,
        "runs": runs,
    }


def ratios(sizes: dict[str, dict[str, Any]], small: int, large: int) -> dict[str, Any]:
    a, b = sizes[str(small)], sizes[str(large)]
    return {
        "sizes": [small, large],
        "invoicing_ms_per_invoice": _ratio(
            b["invoicing"]["ms_per_invoice"], a["invoicing"]["ms_per_invoice"]
        ),
        "charging_ms_per_charge": _ratio(
            b["charging"]["ms_per_charge"], a["charging"]["ms_per_charge"]
        ),
        "total_ms_per_invoice": _ratio(b["total"]["ms_per_invoice"], a["total"]["ms_per_invoice"]),
        "invoicing_cpu_ms_per_invoice": _ratio(
            b["invoicing"]["cpu_ms_per_invoice"], a["invoicing"]["cpu_ms_per_invoice"]
        ),
        "charging_cpu_ms_per_charge": _ratio(
            b["charging"]["cpu_ms_per_charge"], a["charging"]["cpu_ms_per_charge"]
        ),
        "baseline_ms_per_charge": _ratio(
            b["baseline"]["ms_per_charge"], a["baseline"]["ms_per_charge"]
        ),
        "queries_per_invoice": _ratio(
            b["total"]["queries_per_invoice"], a["total"]["queries_per_invoice"]
        ),
    }


def goals(sizes: dict[str, dict[str, Any]], ratio: dict[str, Any] | None) -> dict[str, bool]:
    met = {"checks_pass": all(s["checks_ok"] for s in sizes.values())}
    if ratio is not None:
        for key in ("total_ms_per_invoice", "invoicing_ms_per_invoice", "charging_ms_per_charge"):
            met[f"{key}_ratio_at_most_{GOAL_RATIO}"] = (
                ratio[key] is not None and ratio[key] <= GOAL_RATIO
            )
    return met


def print_run(customers: int, number: int, run: dict[str, Any]) -> None:
    inv, chg, base, total = run["invoicing"], run["charging"], run["baseline"], run["total"]
    log(
        f"  invoicing: {inv['count']} invoices in {inv['seconds']} s: {inv['per_second']}/s, "
        f"{inv['ms_each']} ms and {inv['queries_each']} queries each"
    )
    log(
        f"  charging: {chg['count']} charges ({chg['succeeded']} paid, {chg['declined']} "
        f"declined, {chg['pending']} pending) in {chg['seconds']} s: {chg['per_second']}/s, "
        f"{chg['ms_each']} ms and {chg['queries_each']} queries each"
    )
    log(
        f"  total: {total['invoices_per_second']} invoices/s, {total['ms_per_invoice']} ms and "
        f"{total['queries_per_invoice']} queries per invoice"
    )
    log(
        f"  baseline: {base['charges']} charges straight to the gateway: {base['per_second']}/s, "
        f"{base['ms_each']} ms each; clientvault's charge is {chg['over_baseline']} times that"
    )
    ok = run["checks"]["ok"]
    log("  checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in ok.items()))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--sizes", default="10000,100000", help="customers, comma-separated")
    parser.add_argument(
        "--repeats",
        type=int,
        help="runs per size (median); default 3 below 100,000 customers, else 1",
    )
    parser.add_argument(
        "--billed",
        type=int,
        default=0,
        help="customers due on the run's day, the same at every size (the others are moved to "
        "the following days of the month before the run); 0: all, the whole monthly run",
    )
    parser.add_argument("--card-share", type=float, default=0.9, help="customers with a card")
    parser.add_argument("--decline-share", type=float, default=0.02, help="of the cards")
    parser.add_argument(
        "--baseline-limit", type=int, default=0, help="baseline charges at most (0: as many)"
    )
    parser.add_argument(
        "--vacuum-every",
        type=float,
        help="seconds between VACUUM ANALYZE of the tables a run fills, 0 for never "
        "(default: 30 when the server's autovacuum is off, else 0)",
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark data")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or check) the data of each size, no run"
    )
    parser.add_argument(
        "--profile", action="store_true", help="pyinstrument profiles under var/bench/"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    postgres = Postgres(args.postgres)
    load_before = os.getloadavg()
    autovacuum = autovacuum_on(postgres)
    if args.vacuum_every is None:
        args.vacuum_every = 0.0 if autovacuum else 30.0
    by_size: dict[str, dict[str, Any]] = {}
    with children() as group:
        built = {n: ensure_template(postgres, group, n, args) for n in sizes}
        if args.build_only:
            return
        # The sizes take turns, so that a change in the machine's load falls on both alike.
        repeats = {n: args.repeats or (3 if n < 100_000 else 1) for n in sizes}
        runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
        for number in range(max(repeats.values())):
            for n in sizes:
                if number < repeats[n]:
                    runs[n].append(measure(postgres, group, n, args, number + 1))
        by_size = {str(n): summarise(runs[n], built[n]) for n in sizes}
    ratio = ratios(by_size, sizes[0], sizes[-1]) if len(sizes) > 1 else None
    met = goals(by_size, ratio)
    print(f"\nBilling run on PostgreSQL ({os.cpu_count()} CPUs, load {load_before[0]:.1f}):")
    for size, figures in by_size.items():
        inv, chg, total = figures["invoicing"], figures["charging"], figures["total"]
        print(
            f"  {int(size):>7,} customers: {total['invoices_per_second']} invoices/s "
            f"({total['ms_per_invoice']} ms, {total['queries_per_invoice']} queries per "
            f"invoice); invoicing {inv['ms_per_invoice']} ms, {inv['queries_per_invoice']} "
            f"queries; charging {chg['ms_per_charge']} ms, {chg['queries_per_charge']} queries, "
            f"{chg['ms_per_charge_over_baseline']}x the gateway's own "
            f"{figures['baseline']['ms_per_charge']} ms"
        )
    if ratio is not None:
        print(f"Ratios {sizes[-1]} / {sizes[0]}: {ratio}")
    print("Goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    summary = {
        "benchmark": "billing",
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "server_autovacuum": autovacuum,
        "vacuum_every_s": args.vacuum_every,
        "card_share": args.card_share,
        "decline_share": args.decline_share,
        "billed": args.billed or "all",
        "sizes": by_size,
        "ratios": ratio,
        "goals": met,
        "goals_met": all(met.values()),
    }
    print(json.dumps(summary, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # everything started is already stopped and dropped
        sys.exit("bench/billing.py: interrupted")
