"""Outbox benchmark: a campaign to 20,000 customers, queued and delivered by 4 workers over SMTP.

    .venv/bin/python bench/messaging.py                        # 20,000 customers, 4 workers
    .venv/bin/python bench/messaging.py --customers 2000      # a quicker check

The customers (built once and kept as template databases, see bench/README.md) each get a fresh
copy of the data for every run. A local SMTP server (aiosmtpd, its own process) records every
message it accepts. Two runs: a campaign to Audience.CUSTOMERS sent and delivered by
``clientvault worker`` processes until the outbox is drained; then the same with half of the
audience withdrawing marketing consent (through ``withdraw_consent``, a separate process)
once delivery has started. The baseline: the same number of messages sent to the same server
by 4 processes with smtplib, no Django. Then a profile of queueing and delivery in one process
(queries per message, by statement; time per step). Everything it starts is stopped at the end,
on an error, Ctrl-C or SIGTERM, and its databases dropped.

The last line printed is one JSON object: rates, checks, ratios to the baseline, goals.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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
)

CUSTOMERS = 20_000
SEED_VERSION = "1"  # raise when bench/messaging_seed.py makes different data
APP = [PYTHON, "-m", "bench.messaging_app"]
SINK = [PYTHON, "-m", "bench.smtpsink"]
READY_TIMEOUT = 30.0
MIN_DELIVERED_PER_SECOND = 100.0
TASKS_TABLE = "django_tasks_database_dbtaskresult"
# What autovacuum would keep analysed during a run, when the server's autovacuum is off: the job
# table grows from empty to one row per message, and without statistics PostgreSQL plans the
# worker's pick of the next job as a scan and sort of every ready job.
VACUUMED = (TASKS_TABLE, "messaging_message", "privacy_consentrecord")


# --- the cached data -------------------------------------------------------------------------


def template(customers: int) -> str:
    """The template database of this size (its key store: the same name + "_keys")."""
    return f"bench_messaging_{customers}_template"


def run_db(customers: int) -> str:
    return f"bench_messaging_{customers}_run"


def work_dir(customers: int, name: str) -> Path:
    return fresh_dir(CACHE / f"messaging-{customers}" / name)


def data_fingerprint(customers: int) -> str:
    """What the template depends on: migrations, the generator, the size."""
    digest = hashlib.sha256(f"{SEED_VERSION}:{customers}".encode())
    sources = sorted(REPO.glob("clientvault/*/migrations/*.py"))
    sources.append(REPO / "bench/messaging_seed.py")
    for path in sources:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_template(postgres: Postgres, group: Children, customers: int, rebuild: bool) -> None:
    manifest = CACHE / f"messaging-{customers}-manifest.json"
    name = template(customers)
    fingerprint = data_fingerprint(customers)
    current = manifest.exists() and json.loads(manifest.read_text()) == {"data": fingerprint}
    keys = name + "_keys"
    if current and postgres.exists(name) and postgres.exists(keys) and not rebuild:
        return
    log(f"Building the benchmark data ({customers} customers; kept for later runs)...")
    manifest.unlink(missing_ok=True)
    started = time.monotonic()
    postgres.create(name)
    postgres.create(keys)
    var_dir = work_dir(customers, "template-var")
    env = production_env(data_url=postgres.url(name), keys_url=postgres.url(keys), var_dir=var_dir)
    command = [PYTHON, "-m", "clientvault.cli"]
    group.run([*command, "migrate", "--noinput", "-v0"], env)
    group.run([*command, "migrate", "--database", "keys", "--noinput", "-v0"], env)
    group.run([PYTHON, "-m", "bench.messaging_seed", f"--customers={customers}"], env)
    manifest.write_text(json.dumps({"data": fingerprint}))
    log(f"Built in {time.monotonic() - started:.0f} s.")


# --- processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(group: Children, out: Path) -> tuple[int, subprocess.Popen[bytes]]:
    """The SMTP server, in its own process, once it accepts connections; its port."""
    port = free_port()
    env = os.environ | {"PYTHONPATH": str(REPO)}
    sink = group.start([*SINK, "serve", f"--port={port}", f"--out={out}"], env=env, cwd=REPO)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if sink.poll() is not None:
            raise RuntimeError("the SMTP server stopped while starting: see its log above")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return port, sink
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the SMTP server did not listen on {port} within {READY_TIMEOUT:.0f} s")


def copy_template(postgres: Postgres, customers: int) -> str:
    """A fresh copy of the data (and of its key store) to run on; its name."""
    name = run_db(customers)
    postgres.create(name, template=template(customers))
    postgres.create(name + "_keys", template=template(customers) + "_keys")
    return name


def drop(postgres: Postgres, name: str) -> None:
    postgres.drop(name)
    postgres.drop(name + "_keys")


def run_env(postgres: Postgres, name: str, work: Path, smtp_port: int) -> dict[str, str]:
    env = production_env(
        data_url=postgres.url(name), keys_url=postgres.url(name + "_keys"), var_dir=work
    )
    return env | {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "EMAIL_TIMEOUT": "30"}


def autovacuum_on(postgres: Postgres) -> bool:
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as connection:
        row = connection.execute("SHOW autovacuum").fetchone()
    return row is not None and row[0] == "on"


def vacuum(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")


def outbox_state(url: str, campaign: str) -> dict[str, Any]:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT (SELECT status FROM messaging_campaign WHERE id = %(c)s),"
            " (SELECT count(*) FROM messaging_message WHERE campaign_id = %(c)s),"
            " (SELECT count(*) FROM messaging_message WHERE campaign_id = %(c)s"
            "  AND status IN ('queued', 'sending')),"
            " (SELECT count(*) FROM messaging_message WHERE campaign_id = %(c)s"
            "  AND status = 'retrying'),"
            f" (SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'RUNNING')",
            {"c": campaign},
        ).fetchone()
    assert row is not None
    names = ("campaign", "messages", "waiting", "retrying", "running_jobs")
    return dict(zip(names, row, strict=True))


def wait_drained(
    url: str,
    campaign: str,
    workers: list[subprocess.Popen[bytes]],
    timeout: float,
    vacuum_every: float,
) -> dict[str, Any]:
    """Until the campaign is queued and none of its messages waits or is being sent (messages
    left to retry later count as done: the run reports them). Every ``vacuum_every`` seconds
    (0: never) the outbox's tables are vacuumed and analysed, as autovacuum would."""
    deadline, shown = time.monotonic() + timeout, 0.0
    vacuumed = time.monotonic()
    while True:
        if vacuum_every and time.monotonic() - vacuumed > vacuum_every:
            vacuum(url)
            vacuumed = time.monotonic()
        state = outbox_state(url, campaign)
        if state["campaign"] == "queued" and not state["waiting"] and not state["running_jobs"]:
            return state
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker stopped while the outbox was not drained: see its log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the outbox was not drained within {timeout:.0f} s: {state}")
        if time.monotonic() - shown > 15:
            shown = time.monotonic()
            done = state["messages"] - state["waiting"] - state["retrying"]
            log(f"  {done}/{state['messages']} messages done (campaign {state['campaign']})")
        time.sleep(0.5)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


# --- one campaign run ------------------------------------------------------------------------


def campaign_run(
    name: str, withdraw: bool, args: argparse.Namespace, postgres: Postgres, group: Children
) -> dict[str, Any]:
    database = copy_template(postgres, args.customers)
    work = work_dir(args.customers, name)
    load_before = os.getloadavg()[0]
    try:
        port, _sink = start_sink(group, work / "received.tsv")
        env = run_env(postgres, database, work, port)
        log(f"Run {name}: sending the campaign...")
        group.run([*APP, "send", f"--out={work / 'sent.json'}"], env)
        campaign = json.loads((work / "sent.json").read_text())["campaign"]
        withdrawer = None
        if withdraw:
            withdrawals = work / "withdrawals.jsonl"
            command = [*APP, "withdraw", f"--campaign={campaign}", f"--out={withdrawals}"]
            command += [f"--share={args.withdraw_share}", f"--seed={args.seed}"]
            withdrawer = group.start(command, env=env, cwd=REPO)
        workers = []
        for number in range(args.workers):
            with (work / f"worker-{number}.log").open("wb") as worker_log:
                command = [PYTHON, "-m", "clientvault.cli", "worker", f"--worker-id=bench-{number}"]
                workers.append(
                    group.start(command, env=env, cwd=REPO, stdout=worker_log, stderr=worker_log)
                )
        ticks_before = machine_ticks()
        url = postgres.url(database)
        wait_drained(url, campaign, workers, args.timeout, args.vacuum_every)
        ticks_after = machine_ticks()
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        if withdrawer is not None:
            log("  outbox drained; waiting for the withdrawals to finish...")
            if withdrawer.wait(args.timeout) != 0:
                raise RuntimeError("the withdrawals failed: see the log above")
        for worker in workers:
            group.stop(worker)
        time.sleep(0.5)  # the sink has written every message it acknowledged
        report = [*APP, "report", f"--campaign={campaign}", f"--sent={work / 'sent.json'}"]
        report += [f"--sink={work / 'received.tsv'}", f"--out={work / 'report.json'}"]
        if withdraw:
            report.append(f"--withdrawals={work / 'withdrawals.jsonl'}")
        group.run(report, env)
        result: dict[str, Any] = json.loads((work / "report.json").read_text())
    finally:
        group.stop_all()
        drop(postgres, database)
    result["load_average_before"] = round(load_before, 2)
    processed = result["sent"] + result["skipped_no_consent"]
    result["worker_cpu_ms_per_message"] = (
        round(worker_cpu * 1000 / processed, 2) if processed else None
    )
    busy, total = (after - before for after, before in zip(ticks_after, ticks_before, strict=True))
    result["machine_cpu_busy_share"] = round(busy / total, 3) if total else None
    result["checks"] = checks(result, withdraw)
    return result


def checks(result: dict[str, Any], withdraw: bool) -> dict[str, bool]:
    sink = result["sink"]
    statuses = result["statuses"]
    sink_matches = (
        sink["sent_not_received"] == 0
        and sink["received_not_sent"] == 0
        and sink["unique_message_ids"] == result["sent"]
    )
    found = {
        "no_duplicates": sink["duplicates"] == 0,
        "sink_received_exactly_the_sent": sink_matches,
        "none_failed_or_retrying": not any(
            statuses.get(s) for s in ("failed", "retrying", "bounced")
        )
        and not result["delivery_jobs"].get("FAILED"),
    }
    if withdraw:
        withdrawal = result["withdrawal"]
        found["sent_equals_consenting_at_claim"] = (
            result["sent"] + result["skipped_no_consent"] == result["queued"]
            and withdrawal["kept_not_sent"] == 0
            and withdrawal["violations"] == 0
            and sink_matches
        )
    else:
        found["sent_equals_consenting"] = (
            result["sent"] == result["consenting_at_end"] == result["queued"] and sink_matches
        )
    return found


# --- the baseline ----------------------------------------------------------------------------


def baseline_run(
    count: int, senders: int, reuse: bool, group: Children, work: Path
) -> dict[str, Any]:
    received = work / "received.tsv"
    received.unlink(missing_ok=True)
    port, sink = start_sink(group, received)
    try:
        start_at = time.time() + 2.0  # every sender started and its messages built
        processes = []
        for number in range(senders):
            share = count // senders + (1 if number < count % senders else 0)
            command = [*SINK, "blast", f"--port={port}", f"--count={share}"]
            command += [f"--first={number * count}", f"--start-at={start_at}"]
            command += ["--reuse"] if reuse else []
            env = os.environ | {"PYTHONPATH": str(REPO)}
            processes.append(group.start(command, env=env, cwd=REPO, stdout=subprocess.PIPE))
        results = []
        for process in processes:
            output, _ = process.communicate(timeout=600)
            if process.returncode != 0:
                raise RuntimeError("a baseline sender failed: see its log above")
            results.append(json.loads(output.decode().strip().splitlines()[-1]))
            group.stop(process)
        time.sleep(0.5)
    finally:
        group.stop(sink)
    lines = [line.split("\t") for line in received.read_text().splitlines()]
    ids = [fields[2] for fields in lines if fields[0] == "M"]
    seconds = max(r["finished"] for r in results) - min(r["started"] for r in results)
    return {
        "sent": sum(r["sent"] for r in results),
        "received": len(ids),
        "duplicates": len(ids) - len(set(ids)),
        "seconds": round(seconds, 2),
        "per_second": round(len(ids) / seconds, 1),
    }


def baseline(count: int, args: argparse.Namespace, group: Children) -> dict[str, Any]:
    work = work_dir(args.customers, "baseline")
    figures: dict[str, Any] = {"messages": count, "senders": args.workers}
    for label, reuse in (("connection_per_message", False), ("one_connection", True)):
        runs = [
            baseline_run(count, args.workers, reuse, group, work)
            for _ in range(args.baseline_repeats)
        ]
        figures[label] = {
            "per_second": statistics.median(r["per_second"] for r in runs),
            "runs": runs,
        }
        log(f"Baseline ({label}): {figures[label]['per_second']} messages/s")
    return figures


# --- the profile -----------------------------------------------------------------------------


def profile_run(args: argparse.Namespace, postgres: Postgres, group: Children) -> dict[str, Any]:
    database = copy_template(postgres, args.customers)
    work = work_dir(args.customers, "profile")
    try:
        port, _sink = start_sink(group, work / "received.tsv")
        env = run_env(postgres, database, work, port)
        log(f"Profiling queueing and delivery of {args.profile_messages} messages...")
        command = [*APP, "profile", f"--messages={args.profile_messages}"]
        command += [f"--sink={work / 'received.tsv'}", f"--out={work / 'profile.json'}"]
        group.run(command, env)
        return dict(json.loads((work / "profile.json").read_text()))
    finally:
        group.stop_all()
        drop(postgres, database)


# --- summary ---------------------------------------------------------------------------------


def median(runs: list[dict[str, Any]], pick: Callable[[dict[str, Any]], Any]) -> Any:
    values = [pick(run) for run in runs if pick(run) is not None]
    return round(statistics.median(values), 1) if values else None


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "queued_per_second": median(runs, lambda r: r["queueing"]["messages_queued_per_second"]),
        "members_walked_per_second": median(
            runs, lambda r: r["queueing"]["members_walked_per_second"]
        ),
        "consent_checks_per_second": median(
            runs, lambda r: r["queueing"]["consent_checks_per_second"]
        ),
        "delivered_per_second": median(runs, lambda r: r["delivery"]["sent_per_second"]),
        "processed_per_second": median(runs, lambda r: r["delivery"]["processed_per_second"]),
        "processed_per_second_after_queueing": median(
            runs, lambda r: r["delivery"]["processed_per_second_after_queueing"]
        ),
        "end_to_end_per_second": median(runs, lambda r: r["end_to_end"]["sent_per_second"]),
        "worker_cpu_ms_per_message": median(runs, lambda r: r["worker_cpu_ms_per_message"]),
        "runs": runs,
    }


def print_run(name: str, run: dict[str, Any]) -> None:
    queueing, delivery, sink = run["queueing"], run["delivery"], run["sink"]
    print(f"\n{name} (load average before: {run['load_average_before']})")
    print(
        f"  audience {run['audience']}, left out when queued {run['left_out_when_queued']}, "
        f"queued {run['queued']}, sent {run['sent']}, skipped no_consent "
        f"{run['skipped_no_consent']}, consenting at the end {run['consenting_at_end']}"
    )
    print(
        f"  queueing: {queueing['seconds']} s, {queueing['members_walked_per_second']} members "
        f"walked (and consent checks)/s, {queueing['messages_queued_per_second']} queued/s"
    )
    print(
        f"  delivery: {delivery['seconds']} s, {delivery['sent_per_second']} sent/s, "
        f"{delivery['processed_per_second']} processed/s; after queueing "
        f"{delivery['processed_per_second_after_queueing']}/s"
    )
    print(
        f"  end to end: {run['end_to_end']['seconds']} s, "
        f"{run['end_to_end']['sent_per_second']} sent/s; workers' CPU "
        f"{run['worker_cpu_ms_per_message']} ms per message; machine CPU busy "
        f"{run['machine_cpu_busy_share']:.0%} while draining"
    )
    print(
        f"  sink: received {sink['received']}, unique {sink['unique_message_ids']}, duplicates "
        f"{sink['duplicates']}, connections {sink['connections']}, sent not received "
        f"{sink['sent_not_received']}, received not sent {sink['received_not_sent']}"
    )
    if "withdrawal" in run:
        w = run["withdrawal"]
        print(f"  withdrawals: {w['withdrawn']} at {w['withdrawals_per_second']}/s; {w['counts']}")
    print(
        "  checks: " + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in run["checks"].items())
    )


def print_profile(profile: dict[str, Any]) -> None:
    for phase in ("queueing", "delivery"):
        figures = profile[phase]
        print(
            f"\nProfile, {phase} ({figures['messages']} messages, one process): "
            f"{figures['ms_per_message']} ms and {figures['queries_per_message']} queries "
            "per message"
        )
        for kind, count in figures["queries_by_kind_per_message"].items():
            print(f"  {count:>6} {kind}")
        for label, step in figures["time"].items():
            print(
                f"  {label}: {step['ms_per_message']} ms/message "
                f"({step['calls_per_message']} calls, {step['share']:.0%})"
            )
    print(f"  SMTP connections per message: {profile['delivery']['smtp_connections_per_message']}")


def goals(
    plain: list[dict[str, Any]], withdrawn: list[dict[str, Any]], delivered: float | None
) -> dict[str, bool]:
    runs = plain + withdrawn
    return {
        "duplicates_0": all(r["checks"]["no_duplicates"] for r in runs),
        "sent_equals_consenting": all(r["checks"]["sent_equals_consenting"] for r in plain),
        "withdrawn_sent_equals_consenting_at_claim": all(
            r["checks"]["sent_equals_consenting_at_claim"] for r in withdrawn
        ),
        "sink_received_exactly_the_sent": all(
            r["checks"]["sink_received_exactly_the_sent"] for r in runs
        ),
        "none_failed_or_retrying": all(r["checks"]["none_failed_or_retrying"] for r in runs),
        f"delivered_at_least_{MIN_DELIVERED_PER_SECOND:g}_per_second": delivered is not None
        and delivered >= MIN_DELIVERED_PER_SECOND,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="in the audience")
    parser.add_argument("--workers", type=int, default=4, help="worker processes (and senders)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each kind (median)")
    parser.add_argument("--baseline-repeats", type=int, default=3, help="baseline runs (median)")
    parser.add_argument("--withdraw-share", type=float, default=0.5, help="of the audience")
    parser.add_argument("--profile-messages", type=int, default=300, help="0: no profile")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument(
        "--vacuum-every",
        type=float,
        help="seconds between VACUUM ANALYZE of the outbox's tables during a run, 0 for never "
        "(default: 30 when the server's autovacuum is off, else 0)",
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark data")
    parser.add_argument("--seed", type=int, default=1, help="who withdraws")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    postgres = Postgres(args.postgres)
    load_before = os.getloadavg()
    autovacuum = autovacuum_on(postgres)
    if args.vacuum_every is None:
        args.vacuum_every = 0.0 if autovacuum else 30.0
    with children() as group:
        ensure_template(postgres, group, args.customers, args.rebuild)
        plain, withdrawn = [], []
        for repeat in range(args.repeats):
            plain.append(campaign_run("campaign", False, args, postgres, group))
            print_run(f"Campaign, run {repeat + 1}", plain[-1])
            withdrawn.append(campaign_run("withdrawn", True, args, postgres, group))
            print_run(f"Withdrawn mid-send, run {repeat + 1}", withdrawn[-1])
        base = baseline(int(median(plain, lambda r: r["sent"]) or 0), args, group)
        profile = profile_run(args, postgres, group) if args.profile_messages else None
    campaign, mid_send = summarise(plain), summarise(withdrawn)
    per_message = base["connection_per_message"]["per_second"]
    one_connection = base["one_connection"]["per_second"]
    ratios = {
        "delivered_over_baseline": _ratio(campaign["delivered_per_second"], per_message),
        "end_to_end_over_baseline": _ratio(campaign["end_to_end_per_second"], per_message),
        "delivered_over_baseline_one_connection": _ratio(
            campaign["delivered_per_second"], one_connection
        ),
    }
    met = goals(plain, withdrawn, campaign["delivered_per_second"])
    print(
        f"\nBaseline, {base['messages']} messages from {base['senders']} smtplib processes: "
        f"{per_message}/s with a connection per message, {one_connection}/s with one each"
    )
    print(f"Ratios: {ratios}")
    vacuumed = f"every {args.vacuum_every:g} s" if args.vacuum_every else "never"
    print(
        f"PostgreSQL's autovacuum: {'on' if autovacuum else 'off'}; the outbox's tables "
        f"vacuumed and analysed by the benchmark during the runs: {vacuumed}"
    )
    if profile is not None:
        print_profile(profile)
    print("Goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    summary = {
        "benchmark": "messaging",
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "customers": args.customers,
        "load_average_before": [round(x, 2) for x in load_before],
        "server_autovacuum": autovacuum,
        "vacuum_every_s": args.vacuum_every,
        "campaign": campaign,
        "withdrawn_mid_send": mid_send,
        "baseline": base,
        "ratios": ratios,
        "profile": profile,
        "goals": met,
        "goals_met": all(met.values()),
    }
    print(json.dumps(summary, separators=(",", ":")), flush=True)


def _ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 3) if value and base else None


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # everything started is already stopped and dropped
        sys.exit("bench/messaging.py: interrupted")
