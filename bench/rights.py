"""Rights requests benchmark: export and erase one account in a database of 1,000 and 100,000.

    .venv/bin/python bench/rights.py                                  # both sizes, both databases
    .venv/bin/python bench/rights.py --sizes 1000 --backends sqlite   # a quick check
    .venv/bin/python bench/rights.py --profile                        # and where the time goes

For each database (SQLite, PostgreSQL) and size, the data (bench/rights_app.py ``seed``) is
built once and kept as a template (PostgreSQL: ``bench_rights_<N>_template`` and its
``..._keys``; SQLite: two files under var/bench/), rebuilt when a migration or the generator
changes or with ``--rebuild``. Each run measures on a fresh copy, in its own process with
production settings (bench/rights_app.py ``measure``): per target account (an owner with every
profile field, 3 authorised users, 200 client-log entries, 50 login events, consents,
disclosures, a policy acceptance), the owner's export, then the erasure of the whole account,
each through ``rights.services.operator`` (a request verified and worked by ``do_work``, as an
approved request is); and a baseline, one row read by primary key, in the same process.

Figures per database and size: p50/p95 per request, queries per request by database
(``default``, ``keys``); per database the ratio p50(largest)/p50(smallest) for both, against
the goals: p50 under 300 ms at the largest size, ratio at most 1.2, queries not growing.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
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

SEED_VERSION = 1
GOAL_P50_MS = 300.0
GOAL_RATIO = 1.2


def fingerprint(backend: str, customers: int, targets: int) -> str:
    """What a template depends on: migrations, the generator, the size."""
    digest = hashlib.sha256(f"{SEED_VERSION}:{backend}:{customers}:{targets}".encode())
    sources = sorted(REPO.glob("clientvault/*/migrations/*.py"))
    sources.append(REPO / "bench/rights_app.py")
    for path in sources:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Store:
    """Where one backend keeps a size's template and makes the copy a run measures on."""

    def __init__(self, backend: str, postgres: Postgres, customers: int) -> None:
        self.backend, self.postgres, self.customers = backend, postgres, customers
        self.base = CACHE / f"rights-{backend}-{customers}"

    def name(self, role: str) -> str:
        return f"bench_rights_{self.customers}_{role}"

    def env(self, role: str, var_dir: Path) -> dict[str, str]:
        if self.backend == "postgres":
            data, keys = (
                self.postgres.url(self.name(role)),
                self.postgres.url(self.name(role) + "_keys"),
            )
        else:
            data = f"sqlite:///{self.base / role / 'clientvault.sqlite3'}"
            keys = f"sqlite:///{self.base / role / 'keys.sqlite3'}"
        return production_env(data_url=data, keys_url=keys, var_dir=var_dir)

    def exists(self, role: str) -> bool:
        if self.backend == "postgres":
            return self.postgres.exists(self.name(role)) and self.postgres.exists(
                self.name(role) + "_keys"
            )
        return (self.base / role / "clientvault.sqlite3").exists()

    def create(self, role: str, template: str | None = None) -> None:
        if self.backend == "postgres":
            source = self.name(template) if template else None
            self.postgres.create(self.name(role), template=source)
            self.postgres.create(self.name(role) + "_keys", template=source and source + "_keys")
            return
        fresh_dir(self.base / role)
        if template:
            for path in (self.base / template).glob("*.sqlite3*"):
                shutil.copy(path, self.base / role / path.name)

    def drop(self, role: str) -> None:
        if self.backend == "postgres":
            self.postgres.drop(self.name(role))
            self.postgres.drop(self.name(role) + "_keys")
        else:
            shutil.rmtree(self.base / role, ignore_errors=True)

    def analyse(self, env: dict[str, str]) -> None:
        """Statistics for the planner, as autovacuum (PostgreSQL) or ``optimize`` would keep."""
        code = (
            "import django; django.setup()\n"
            "from django.db import connections\n"
            "for alias in ('default', 'keys'):\n"
            "    with connections[alias].cursor() as c:\n"
            "        c.execute('ANALYZE')\n"
        )
        subprocess.run([PYTHON, "-c", code], env=env, cwd=REPO, check=True)


def ensure_template(store: Store, group: Children, targets: int, rebuild: bool) -> float | None:
    """Build the template unless it is current; the seconds the build took (None: reused)."""
    manifest = store.base.with_suffix(".manifest.json")
    wanted = {"data": fingerprint(store.backend, store.customers, targets)}
    current = manifest.exists() and json.loads(manifest.read_text()) == wanted
    if current and store.exists("template") and not rebuild:
        return None
    log(f"Building {store.customers} customers on {store.backend} (kept for later runs)...")
    manifest.unlink(missing_ok=True)
    started = time.monotonic()
    store.create("template")
    env = store.env("template", fresh_dir(store.base / "template-var"))
    command = [PYTHON, "-m", "clientvault.cli"]
    group.run([*command, "migrate", "--noinput", "-v0"], env)
    group.run([*command, "migrate", "--database", "keys", "--noinput", "-v0"], env)
    seed = [PYTHON, "-m", "bench.rights_app", "seed"]
    group.run([*seed, f"--customers={store.customers}", f"--targets={targets}"], env)
    store.analyse(env)
    manifest.write_text(json.dumps(wanted))
    seconds = time.monotonic() - started
    log(f"Built in {seconds:.0f} s.")
    return seconds


def measure(store: Store, group: Children, args: argparse.Namespace) -> dict[str, Any]:
    store.create("run", template="template")
    try:
        env = store.env("run", fresh_dir(store.base / "run-var"))
        command = [PYTHON, "-m", "bench.rights_app", "measure", f"--warmup={args.warmup}"]
        if args.profile:
            profile_dir = fresh_dir(CACHE / f"rights-profile-{store.backend}-{store.customers}")
            command.append(f"--profile-dir={profile_dir}")
        process = group.start(command, env=env, cwd=REPO, stdout=subprocess.PIPE)
        out, _ = process.communicate()
        group.stop(process)
        if process.returncode != 0:
            raise SystemExit(f"the measuring process failed ({process.returncode})")
        result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        return result
    finally:
        store.drop("run")


def ratios(runs: dict[str, dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    small, large = runs[str(sizes[0])], runs[str(sizes[-1])]
    figures: dict[str, Any] = {}
    for step in ("export", "erasure"):
        figures[f"{step}_p50_large_over_small"] = round(
            large[step]["p50_ms"] / small[step]["p50_ms"], 3
        )
        figures[f"{step}_p50_over_baseline_large"] = round(
            large[step]["p50_ms"] / large["baseline_select_by_pk"]["p50_ms"], 1
        )
        figures[f"{step}_queries_same"] = small[step]["queries"] == large[step]["queries"]
    return figures


def goals(
    runs: dict[str, dict[str, Any]], figures: dict[str, Any], largest: int
) -> dict[str, bool]:
    large = runs[str(largest)]
    met: dict[str, bool] = {}
    for step in ("export", "erasure"):
        met[f"{step}_p50_under_{GOAL_P50_MS:.0f}ms"] = large[step]["p50_ms"] < GOAL_P50_MS
        met[f"{step}_ratio_at_most_{GOAL_RATIO}"] = (
            figures[f"{step}_p50_large_over_small"] <= GOAL_RATIO
        )
        met[f"{step}_queries_do_not_grow"] = figures[f"{step}_queries_same"]
    return met


def print_run(backend: str, customers: int, run: dict[str, Any]) -> None:
    log(f"\n{backend}, {run['customers']} customers:")
    for step in ("export", "erasure", "baseline_select_by_pk"):
        figures = run[step]
        queries = ", ".join(f"{k} {v}" for k, v in figures["queries"].items())
        log(
            f"  {step:22} p50 {figures['p50_ms']:8.2f} ms  p95 {figures['p95_ms']:8.2f} ms"
            f"  ({figures['count']} requests; queries: {queries})"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="customers, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--targets", type=int, default=22, help="accounts measured per run")
    parser.add_argument("--warmup", type=int, default=2, help="first targets not counted")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--profile", action="store_true", help="pyinstrument one more request")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    postgres = Postgres(args.postgres)
    result: dict[str, Any] = {"benchmark": "rights", "sizes": sizes, "backends": {}}
    with children() as group:
        for backend in args.backends.split(","):
            runs: dict[str, dict[str, Any]] = {}
            built: dict[str, float | None] = {}
            for customers in sizes:
                store = Store(backend, postgres, customers)
                built[str(customers)] = ensure_template(store, group, args.targets, args.rebuild)
                runs[str(customers)] = measure(store, group, args)
                print_run(backend, customers, runs[str(customers)])
            figures = ratios(runs, sizes)
            met = goals(runs, figures, sizes[-1])
            result["backends"][backend] = {
                "runs": runs,
                "ratios": figures,
                "goals": met,
                "seed_seconds": built,
            }
    result["goals_met"] = all(all(b["goals"].values()) for b in result["backends"].values())
    log(json.dumps({k: v["ratios"] for k, v in result["backends"].items()}, indent=2))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
