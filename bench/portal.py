"""Load benchmark of the customer area and back office: gunicorn, PostgreSQL, locust.

    .venv/bin/python bench/portal.py                      # 300 sessions at 10/s, 800 at 50/s
    .venv/bin/python bench/portal.py --scenario 50x5 --duration 15      # a short check

For each scenario: a fresh copy of the benchmark data (the demo company plus 10,000 generated
customers and 50 support staff, built once and kept as template databases, see
bench/README.md) is served by gunicorn (2 sync workers, production settings); a locust process
signs in the sessions (5% staff with TOTP) and then browses at the given total rate for the
given time. Everything it starts is stopped at the end, on an error, Ctrl-C or SIGTERM.

The last line printed is one JSON object: per scenario the p50/p95/p99 of each page, each
page's p50 over the bare view's p50, sign-ins per second, 5xx count, and the goals.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import socket
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

TEMPLATE = "bench_portal_template"
RUN_DB = "bench_portal_run"
CUSTOMERS = 10_000
STAFF_LOGINS = 50
PAGES = ("dashboard", "profile", "security", "staff search")
BARE = "bare"
READY_TIMEOUT = 60.0
SEED_VERSION = "1"  # raise when bench/seed.py makes different data


@dataclass(frozen=True)
class Scenario:
    sessions: int
    rate: float

    @property
    def name(self) -> str:
        return f"{self.sessions}x{self.rate:g}"

    @classmethod
    def parse(cls, text: str) -> Scenario:
        sessions, _, rate = text.partition("x")
        try:
            scenario = cls(int(sessions), float(rate))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"a scenario is SESSIONSxRATE, e.g. 300x10 (got {text!r})"
            ) from None
        if scenario.sessions < 1 or scenario.rate <= 0:
            raise argparse.ArgumentTypeError("sessions and rate must be positive")
        return scenario


# (p95 limit, p99 limit) in ms for every page, by scenario; each scenario must also have no 5xx
# and at least MIN_SIGN_INS_PER_SECOND.
GOALS: dict[str, tuple[float | None, float | None]] = {
    "300x10": (300.0, 1000.0),
    "800x50": (None, 2000.0),
}
MIN_SIGN_INS_PER_SECOND = 8.0


# --- the cached data -----------------------------------------------------------------------


def data_fingerprint(customers: int) -> str:
    """What the template depends on: migrations, the demo, the generator, the sizes."""
    digest = hashlib.sha256(f"{SEED_VERSION}:{customers}:{STAFF_LOGINS}".encode())
    sources = sorted(REPO.glob("clientvault/*/migrations/*.py"))
    sources += [REPO / "clientvault/web/demo.py", REPO / "bench/seed.py"]
    for path in sources:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_template(postgres: Postgres, group: Children, customers: int, rebuild: bool) -> Path:
    """The template databases and credentials file, built unless current; the credentials."""
    manifest, credentials = CACHE / "manifest.json", CACHE / "credentials.json"
    fingerprint = data_fingerprint(customers)
    current = manifest.exists() and json.loads(manifest.read_text()) == {"data": fingerprint}
    keys = TEMPLATE + "_keys"
    built = credentials.exists() and postgres.exists(TEMPLATE) and postgres.exists(keys)
    if current and built and not rebuild:
        return credentials
    log(f"Building the benchmark data ({customers} customers; kept for later runs)...")
    manifest.unlink(missing_ok=True)
    started = time.monotonic()
    postgres.create(TEMPLATE)
    postgres.create(keys)
    var_dir = fresh_dir(CACHE / "template-var")
    env = production_env(
        data_url=postgres.url(TEMPLATE), keys_url=postgres.url(keys), var_dir=var_dir
    )
    command = [PYTHON, "-m", "clientvault.cli"]
    group.run([*command, "migrate", "--noinput", "-v0"], env)
    group.run([*command, "migrate", "--database", "keys", "--noinput", "-v0"], env)
    group.run([*command, "collectstatic", "--noinput", "-v0"], env)
    seed = [PYTHON, "-m", "bench.seed", f"--customers={customers}", f"--staff={STAFF_LOGINS}"]
    group.run([*seed, f"--out={credentials}"], env)
    manifest.write_text(json.dumps({"data": fingerprint}))
    log(f"Built in {time.monotonic() - started:.0f} s.")
    return credentials


# --- one scenario ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, server: Any) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting: see its log above")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {READY_TIMEOUT:.0f} s")


def run_scenario(
    scenario: Scenario,
    args: argparse.Namespace,
    postgres: Postgres,
    group: Children,
    credentials: Path,
) -> dict[str, Any]:
    keys = RUN_DB + "_keys"
    postgres.create(RUN_DB, template=TEMPLATE)
    postgres.create(keys, template=TEMPLATE + "_keys")
    work = fresh_dir(CACHE / "run")
    env = production_env(data_url=postgres.url(RUN_DB), keys_url=postgres.url(keys), var_dir=work)
    load_before = os.getloadavg()[0]
    try:
        raw = _serve_and_load(scenario, args, group, env, work, credentials)
    finally:
        group.stop_all()
        postgres.drop(RUN_DB)
        postgres.drop(keys)
    return report(scenario, args, raw, load_before)


def _serve_and_load(
    scenario: Scenario,
    args: argparse.Namespace,
    group: Children,
    env: dict[str, str],
    work: Path,
    credentials: Path,
) -> dict[str, Any]:
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = [PYTHON, "-m", "gunicorn", "clientvault.wsgi:application"]
    gunicorn += [f"--workers={args.workers}", f"--bind=127.0.0.1:{port}", "--backlog=2048"]
    gunicorn += [f"--chdir={REPO}", "--log-level=warning", f"--error-logfile={work / 'server.log'}"]
    server = group.start(gunicorn, env=env, cwd=REPO)
    wait_ready(f"{host}/bench/bare", server)
    config = {
        "host": host,
        "sessions": scenario.sessions,
        "rate": scenario.rate,
        "duration": args.duration,
        "staff_sessions": staff_sessions(scenario.sessions, args.staff_share),
        "sign_in_concurrency": args.sign_in_concurrency,
        "sign_in_timeout": args.sign_in_timeout,
        "credentials": str(credentials),
        "seed": args.seed,
        "out": str(work / "result.json"),
    }
    (work / "load.json").write_text(json.dumps(config))
    log(f"Scenario {scenario.name}: {scenario.sessions} sessions, {scenario.rate:g} requests/s...")
    limit = args.sign_in_timeout + args.duration + 120
    group.run([PYTHON, "-m", "bench.loadgen", str(work / "load.json")], env, timeout=limit)
    group.stop(server)
    return dict(json.loads((work / "result.json").read_text()))


def staff_sessions(sessions: int, share: float) -> int:
    return min(STAFF_LOGINS, round(sessions * share))


# --- figures ---------------------------------------------------------------------------------


def report(
    scenario: Scenario, args: argparse.Namespace, raw: dict[str, Any], load_before: float
) -> dict[str, Any]:
    pages: dict[str, Any] = raw["pages"]
    bare_p50 = float(pages.get(BARE, {}).get("p50_ms") or 0)
    for figures in pages.values():
        figures["p50_over_bare"] = round(figures["p50_ms"] / bare_p50, 2) if bare_p50 else None
    result = {
        "scenario": scenario.name,
        "sessions": scenario.sessions,
        "staff_sessions": staff_sessions(scenario.sessions, args.staff_share),
        "rate": scenario.rate,
        "duration_s": args.duration,
        "load_average_before": round(load_before, 2),
        "pages": pages,
        "sign_in": raw["sign_in"],
        "status_5xx": raw["statuses"].get("5xx", 0),
        "statuses": raw["statuses"],
        "failed_requests": raw["failed_requests"],
        "browse_requests_per_second": raw["browse_requests_per_second"],
    }
    result["goals"] = goals(scenario, result)
    return result


def goals(scenario: Scenario, result: dict[str, Any]) -> dict[str, bool]:
    met = {
        "no_5xx": result["status_5xx"] == 0,
        "sign_ins_per_second_at_least_8": result["sign_in"]["per_second"]
        >= MIN_SIGN_INS_PER_SECOND,
    }
    p95, p99 = GOALS.get(scenario.name, (None, None))
    measured = [result["pages"][name] for name in PAGES if name in result["pages"]]
    if p95 is not None:
        met[f"p95_under_{p95:g}ms"] = bool(measured) and all(f["p95_ms"] < p95 for f in measured)
    if p99 is not None:
        met[f"p99_under_{p99:g}ms"] = bool(measured) and all(f["p99_ms"] < p99 for f in measured)
    return met


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\n{result['scenario']}: {result['sessions']} sessions ({result['staff_sessions']} staff)"
    )
    print(f"  {'page':<18}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'/bare':>8}")
    for name, f in result["pages"].items():
        ratio = f["p50_over_bare"] if f["p50_over_bare"] is not None else "-"
        print(
            f"  {name:<18}{f['count']:>7}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['p99_ms']:>9}{ratio:>8}"
        )
    sign_in = result["sign_in"]
    print(
        f"  sign-ins: {sign_in['signed_in']} in {sign_in['seconds']} s = "
        f"{sign_in['per_second']}/s ({sign_in['failed']} failed); 5xx: {result['status_5xx']}; "
        f"failed requests: {result['failed_requests']}"
    )
    print(
        "  goals: "
        + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in result["goals"].items())
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--scenario",
        type=Scenario.parse,
        action="append",
        help="SESSIONSxRATE (total requests per second); repeat for more (default: 300x10 and "
        "800x50)",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="browsing seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--staff-share", type=float, default=0.05, help="share of staff sessions")
    parser.add_argument("--sign-in-concurrency", type=int, default=8)
    parser.add_argument("--sign-in-timeout", type=float, default=600.0, help="seconds")
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="generated customers")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark data")
    parser.add_argument("--seed", type=int, default=1, help="which customers sign in")
    args = parser.parse_args(argv)
    args.scenario = args.scenario or [Scenario(300, 10), Scenario(800, 50)]
    return args


def main() -> None:
    args = parse_args()
    if importlib.util.find_spec("locust") is None:  # not imported: it patches for gevent
        sys.exit(
            'bench/portal.py needs locust: .venv/bin/pip install -c constraints.txt -e ".[bench]"'
        )
    postgres = Postgres(args.postgres)
    results = []
    with children() as group:
        credentials = ensure_template(postgres, group, args.customers, args.rebuild)
        for scenario in args.scenario:
            result = run_scenario(scenario, args, postgres, group, credentials)
            print_table(result)
            results.append(result)
    summary = {
        "benchmark": "portal",
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "customers": args.customers,
        "scenarios": results,
        "goals_met": all(all(r["goals"].values()) for r in results),
    }
    print(json.dumps(summary, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # everything started is already stopped and dropped
        sys.exit("bench/portal.py: interrupted")
