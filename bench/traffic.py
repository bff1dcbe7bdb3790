"""Web log analysis benchmark: clientvault's ingest against GoAccess and Webalizer (issue 13).

    .venv/bin/python bench/traffic.py                            # 1,000,000 lines, 3 runs each
    .venv/bin/python bench/traffic.py --lines 100000 --repeat 1  # a quick check (about a minute)

1. **Data** (not timed). ``bench/traffic_logs.py`` writes a week of a website's combined log
   with ``--lines`` lines from ``--lines``/50 client addresses (20,000 for a million; ~10% IPv6,
   all in ranges that belong to no one), a stable user agent each, realistic pages, assets,
   referers, 304s, 404s and a few 5xx, shuffled within each minute (out of order); plain and
   gzipped. The same ``--seed`` gives the same bytes.
2. **DNS.** A dnslib server on 127.0.0.1 (a thread of this process) answers PTR questions for
   the generated addresses with names from 30 ISPs under the reserved ``.example`` TLD.
3. **Tools.** GoAccess and Webalizer come from Debian (``apt-get install`` when missing). Each
   measured command runs as a child process under GNU time (``/usr/bin/time``, Debian's
   ``time``, installed when missing): wall time, and the CPU time and peak RSS of that process
   alone. The variants take turns, ``--repeat`` rounds (medians):
   - clientvault ``traffic ingest LOG --site ... --output FILE.parquet`` (the per-web-server step:
     parse, pseudonymise under the day's salt, reduce user agents, aggregate; nothing stored),
     with ``--no-lookups`` on the plain and the gzipped log, then with reverse lookups through
     the local DNS server; ``ingest`` into the database (SQLite) with ``--no-lookups``; and the
     ingest of a 100-line log, the fixed cost of a run (Python, Django, DuckDB, ua-parser);
   - GoAccess ``goaccess LOG --log-format=COMBINED -o report.json`` (and the gzipped log through
     ``gzip -dc | goaccess -``: it does not read .gz itself);
   - Webalizer with a minimal configuration, no DNS (``-N 0``), out-of-sequence lines folded in,
     on the plain and the gzipped log (it reads .gz).
   clientvault runs with production settings (``DEBUG=0``, a master key file) on a fresh copy of
   a migrated SQLite ``var`` directory each time.
4. **Checks.** Requests and bytes of the generated log as each tool counts them; on the corpora
   in ``tests/traffic/corpora`` (copies of ``../shared/corpora``), clientvault's bandwidth
   against GoAccess's and the README's reference, and the visitor and visit counts.

Temporary files go at the end (``--keep`` keeps them), also on an error, Ctrl-C or SIGTERM.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.traffic_logs import (
    SITE,
    Generated,
    PtrZone,
    generate,
    goaccess_figures,
    lookups_skipped,
    parquet_figures,
    serve_ptr,
    webalizer_figures,
)

REPO = Path(__file__).resolve().parent.parent
CLIENTVAULT = str(Path(sys.executable).with_name("clientvault"))
CORPORA = REPO / "tests" / "traffic" / "corpora"
TIMEOUT_S = 3600
TINY, STARTUP = 100, "startup_100_lines"  # the fixed cost of a run: a 100-line log
MB = 1024  # GNU time's %M is in KiB
TIME = "/usr/bin/time"  # GNU time (Debian's "time"), which the bench installs when missing

# tests/traffic/corpora/README.md: GoAccess 1.7 with --log-format=COMBINED.
REFERENCE = {
    "elastic-examples-apache_logs.log": {
        "requests": 10_000,
        "bandwidth": 2_747_282_740,
        "unique_visitors": 2_095,
    },
    "nielsbasjes-hackers-access.log": {
        "requests": 3_456,
        "bandwidth": 46_882_196,
        "unique_visitors": 672,
    },
}
DEFINITIONS = (
    "GoAccess counts a unique visitor per distinct (IP address, date, user agent) over every "
    "hit, robots and assets included; clientvault counts visits: page requests by people only "
    "(no robots, no assets, no errors), one visit per (pseudonym, browser family) until 30 "
    "minutes pass without a page. A visitor who reads 3 pages at 9:00 and 3 at 15:00 is 1 "
    "GoAccess visitor and 2 clientvault visits; a crawler or an address that only fetched "
    "images or 404s is a GoAccess visitor and no clientvault visit."
)
# Named webalizer.conf in the run's directory, so Debian's /etc/webalizer/webalizer.conf (which
# Webalizer reads when there is none there, before -c) plays no part.
WEBALIZER_CONF = "LogType clf\nIncremental no\nDNSChildren 0\nQuiet yes\nFoldSeqErr yes\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- running one measured command --------------------------------------------------------------


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float


def _kill(pids: Sequence[int]) -> None:
    for pid in pids:
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # each child leads its own group (start_new_session)


def _timed(command: Sequence[str], report: Path) -> list[str]:
    """``command`` under GNU time, which writes its child's CPU times and peak RSS to ``report``.

    Not os.wait4 on our own child: exec keeps the high-water mark of the memory it replaces
    (Linux saves the old mm's into the process's maxrss), so a child forked from this process
    would report at least this process's own RSS (~100 MB with the log's visitors in memory).
    time's child is forked from the small time process instead.
    """
    return [TIME, "-f", "%U %S %M", "-o", str(report), *command]


def _usage(report: Path) -> tuple[float, int]:
    """(CPU seconds, peak RSS in KiB) from GNU time's report (its last line)."""
    user, system, rss = report.read_text().split()[-3:]
    return float(user) + float(system), int(rss)


def measure(commands: Sequence[Sequence[str]], cwd: Path, env: dict[str, str]) -> Measured:
    """Run ``commands`` as a pipeline (stdout of each into the next), output to files in
    ``cwd``; wall time to the last exit, CPU time of all, the largest peak RSS among them."""
    started, processes = time.perf_counter(), list[subprocess.Popen[bytes]]()
    timer = threading.Timer(TIMEOUT_S, lambda: _kill([p.pid for p in processes]))
    try:
        previous: Any = subprocess.DEVNULL
        for n, command in enumerate(commands):
            last = n == len(commands) - 1
            with (cwd / f"stderr.{n}").open("ab") as err, (cwd / "stdout").open("ab") as out:
                processes.append(
                    subprocess.Popen(
                        _timed(command, cwd / f"time.{n}"),
                        cwd=cwd,
                        env=env,
                        stdin=previous,
                        stdout=out if last else subprocess.PIPE,
                        stderr=err,
                        start_new_session=True,
                    )
                )
            if previous is not subprocess.DEVNULL:
                previous.close()  # the next command holds it now
            previous = processes[-1].stdout
        timer.start()
        codes = [process.wait() for process in processes]
    finally:
        timer.cancel()
        _kill([p.pid for p in processes if p.poll() is None])
        for process in processes:
            process.wait()
    wall = time.perf_counter() - started
    if any(codes):
        errors = "".join(p.read_text(errors="replace")[-2000:] for p in cwd.glob("stderr.*"))
        raise RuntimeError(f"{commands} exited {codes} in {cwd}:\n{errors}")
    usage = [_usage(cwd / f"time.{n}") for n in range(len(commands))]
    return Measured(wall, sum(c for c, _ in usage), max(r for _, r in usage) / MB)


# --- the tools ---------------------------------------------------------------------------------


def ensure_installed(command: str, package: str) -> str | None:
    """The path of ``command``, installed from Debian when missing (as root); None if it cannot."""
    if shutil.which(command):
        return shutil.which(command)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        log(f"{command} is missing and cannot be installed here (not root, or no apt-get)")
        return None
    log(f"Installing {package} from Debian...")
    install = ["apt-get", "install", "-y", "-q", package]
    if _apt(install) != 0:
        _apt(["apt-get", "update", "-q"])
        _apt(install)
    return shutil.which(command)


def _apt(command: list[str]) -> int:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    return done.returncode


def version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).strip().splitlines()[0] if done.stdout + done.stderr else ""


def clientvault_env(var: Path, key: Path, dns: str) -> dict[str, str]:
    """Production settings (DEBUG=0), SQLite databases under ``var``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLIENTVAULT_", "DJANGO_"))
        and k not in ("DATABASE_URL", "EMAIL_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CLIENTVAULT_MASTER_KEY_FILE": str(key),
        "CLIENTVAULT_VAR_DIR": str(var),
        "EMAIL_URL": f"file://{var / 'mail'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CLIENTVAULT_DNS_SERVER": dns,  # even with --no-lookups: nothing may ask another server
    }


@dataclass
class Workspace:
    root: Path
    key: Path
    template: Path
    dns: str
    runs: int = 0

    def fresh(self, name: str) -> Path:
        self.runs += 1
        path = self.root / "runs" / f"{self.runs:03d}-{name}"
        path.mkdir(parents=True)
        return path

    def clientvault(self, args: list[str], name: str) -> tuple[Measured, Path]:
        run = self.fresh(name)
        var = run / "var"
        shutil.copytree(self.template, var, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
        measured = measure([[CLIENTVAULT, *args]], run, clientvault_env(var, self.key, self.dns))
        return measured, run


def prepare(root: Path, dns: str) -> Workspace:
    key = root / "master.key"
    key.write_text(f"v1:{base64.b64encode(secrets.token_bytes(32)).decode()}\n")
    key.chmod(0o600)
    template = root / "template-var"
    env = clientvault_env(template, key, dns)
    subprocess.run([CLIENTVAULT, "migrate", "--noinput", "-v0"], env=env, cwd=REPO, check=True)
    return Workspace(root, key, template, dns)


# --- the runs ----------------------------------------------------------------------------------


@dataclass
class Variant:
    tool: str
    name: str
    lines: int
    runs: list[Measured] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        median = statistics.median(m.wall_s for m in self.runs)
        return {
            "lines": self.lines,
            "runs_s": [round(m.wall_s, 3) for m in self.runs],
            "median_s": round(median, 3),
            "lines_per_s": round(self.lines / median),
            "best_s": round(min(m.wall_s for m in self.runs), 3),
            "cpu_s_median": round(statistics.median(m.cpu_s for m in self.runs), 3),
            "peak_rss_mb": round(max(m.peak_rss_mb for m in self.runs), 1),
            "peak_rss_mb_runs": [round(m.peak_rss_mb, 1) for m in self.runs],
            **self.figures,
        }


@dataclass
class Plan:
    work: Workspace
    plain: Path
    packed: Path
    tiny: Path
    goaccess: str | None
    webalizer: str | None
    lines: int
    variants: dict[str, Variant] = field(default_factory=dict)

    def record(self, tool: str, name: str, measured: Measured, figures: dict[str, Any]) -> None:
        lines = TINY if name == STARTUP else self.lines
        variant = self.variants.setdefault(f"{tool}.{name}", Variant(tool, name, lines))
        variant.runs.append(measured)
        variant.figures = figures
        log(f"  {tool} {name}: {measured.wall_s:.2f} s, {measured.peak_rss_mb:.0f} MB")


def clientvault_round(plan: Plan, zone: PtrZone) -> None:
    site = ["--site", SITE]
    cases = [
        ("lookups_off_plain", [str(plan.plain), "--no-lookups"], True),
        ("lookups_off_gz", [str(plan.packed), "--no-lookups"], True),
        ("lookups_on_plain", [str(plan.plain)], True),
        ("database_lookups_off", [str(plan.plain), "--no-lookups"], False),
        (STARTUP, [str(plan.tiny), "--no-lookups"], True),
    ]
    for name, args, output in cases:
        asked, cpu = zone.asked, _own_cpu()
        extra = ["--output", "figures.parquet"] if output else []
        measured, run = plan.work.clientvault(["traffic", "ingest", *args, *site, *extra], name)
        figures: dict[str, Any] = parquet_figures(run / "figures.parquet") if output else {}
        if name == "lookups_on_plain":
            figures |= {
                "dns_questions": zone.asked - asked,
                "lookups_skipped": lookups_skipped(run),
                "dns_server_cpu_s": round(_own_cpu() - cpu, 3),  # this process: the DNS thread
            }
        plan.record("clientvault", name, measured, figures)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def goaccess_round(plan: Plan) -> None:
    assert plan.goaccess
    tail = ["--log-format=COMBINED", "-o", "report.json"]
    for name, commands in (
        ("plain", [[plan.goaccess, str(plan.plain), *tail]]),
        ("gz", [["gzip", "-dc", str(plan.packed)], [plan.goaccess, "-", *tail]]),
    ):
        run = plan.work.fresh(f"goaccess-{name}")
        measured = measure(commands, run, dict(os.environ))
        plan.record("goaccess", name, measured, goaccess_figures(run))


def webalizer_round(plan: Plan) -> None:
    assert plan.webalizer
    for name, path in (("plain", plan.plain), ("gz", plan.packed)):
        run = plan.work.fresh(f"webalizer-{name}")
        (run / "webalizer.conf").write_text(WEBALIZER_CONF)
        (run / "out").mkdir()
        command = [plan.webalizer, "-c", "webalizer.conf", "-o", "out", "-N", "0", "-Q", str(path)]
        measured = measure([command], run, dict(os.environ))
        plan.record("webalizer", name, measured, webalizer_figures(run))


def corpora(work: Workspace, goaccess: str | None) -> dict[str, Any]:
    """Bandwidth and visitors of the third-party corpora, by clientvault and GoAccess."""
    found: dict[str, Any] = {}
    for name, reference in REFERENCE.items():
        path = CORPORA / name
        _, run = work.clientvault(
            ["traffic", "ingest", str(path), "--site", "example.org", "--no-lookups",
             "--output", "figures.parquet"],
            f"corpus-{name}",
        )  # fmt: skip
        ours = parquet_figures(run / "figures.parquet")
        entry: dict[str, Any] = {"clientvault": ours, "reference_goaccess_1_7": reference}
        if goaccess:
            run = work.fresh(f"corpus-goaccess-{name}")
            measure([[goaccess, str(path), "--log-format=COMBINED", "-o", "report.json"]], run,
                    dict(os.environ))  # fmt: skip
            entry["goaccess"] = goaccess_figures(run)
        measured_bw = entry.get("goaccess", {}).get("bytes", reference["bandwidth"])
        entry["bandwidth_matches"] = ours["bytes"] == reference["bandwidth"] == measured_bw
        entry["requests_match"] = ours["requests"] == reference["requests"]
        visitors = entry.get("goaccess", reference)["unique_visitors"]
        entry["visits_over_goaccess_visitors"] = round(ours["visits"] / visitors, 3)
        found[name] = entry
    found["definitions"] = DEFINITIONS
    return found


# --- the report --------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def assemble(plan: Plan, generated: Generated, args: argparse.Namespace) -> dict[str, Any]:
    lines = generated.lines
    tools: dict[str, dict[str, Any]] = {"clientvault": {}, "goaccess": {}, "webalizer": {}}
    for variant in plan.variants.values():
        tools[variant.tool][variant.name] = variant.summary()
    cv = tools["clientvault"]
    startup = cv.pop(STARTUP)
    goal = cv["lookups_off_plain"]
    ga, wb = tools["goaccess"].get("plain"), tools["webalizer"].get("plain")
    fixed = startup["median_s"]
    goal["lines_per_s_after_startup"] = (
        round(lines / (goal["median_s"] - fixed)) if goal["median_s"] > fixed else None
    )
    on = cv["lookups_on_plain"]
    cost = (on["median_s"] - goal["median_s"]) / generated.addresses * 1000
    cpu_cost = (on["cpu_s_median"] - goal["cpu_s_median"]) / generated.addresses * 1000
    by_rate = ratio(goal["lines_per_s"], ga and ga["lines_per_s"])
    vs_web = ratio(goal["lines_per_s"], wb and wb["lines_per_s"])
    rss = ratio(goal["peak_rss_mb"], ga and ga["peak_rss_mb"])
    return {
        "benchmark": "traffic",
        "lines": lines,
        "distinct_addresses": generated.addresses,
        "ipv6_addresses": generated.ipv6,
        "distinct_user_agents": generated.agents,
        "seed": args.seed,
        "repeat": args.repeat,
        "clientvault": {**cv, STARTUP: startup},
        "goaccess": tools["goaccess"] or None,
        "webalizer": tools["webalizer"] or None,
        "ratios": {
            "lines_per_s_vs_goaccess": by_rate,
            "lines_per_s_vs_webalizer": vs_web,
            "rss_vs_goaccess": rss,
            "cpu_s_goaccess_over_clientvault": ratio(
                ga and ga["cpu_s_median"], goal["cpu_s_median"]
            ),
        },
        "lookup_cost_ms_per_address": round(cost, 4),
        "lookup_cpu_ms_per_address": round(cpu_cost, 4),  # clientvault's CPU, not the server's
        "goals": {
            "8x_goaccess": bool(by_rate and by_rate >= 8),
            "at_least_webalizer": bool(vs_web and vs_web >= 1),
            "rss_at_most_goaccess": bool(rss and rss <= 1),
        },
        "checks": checks(tools),
    }


def checks(tools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The generated log's requests and bytes as each tool counted them."""
    cv = tools["clientvault"]["lookups_off_plain"]
    found: dict[str, Any] = {"clientvault": {"requests": cv["requests"], "bytes": cv["bytes"]}}
    if ga := tools["goaccess"].get("plain"):
        found["goaccess"] = {"requests": ga["requests"], "bytes": ga["bytes"]}
    if wb := tools["webalizer"].get("plain"):
        found["webalizer"] = {"requests": wb["requests"], "kbytes": wb["kbytes"]}
    found["requests_agree"] = len({v["requests"] for v in found.values()}) == 1
    found["bytes_agree"] = "goaccess" not in found or cv["bytes"] == found["goaccess"]["bytes"]
    if "webalizer" in found:  # Webalizer keeps kilobytes
        found["bytes_agree"] &= cv["bytes"] // 1024 == found["webalizer"]["kbytes"]
    return found


def show(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result['lines']:,} lines, {result['distinct_addresses']:,} addresses")
    for column in ("tool", "variant", "median s", "lines/s", "CPU s", "peak RSS MB", "runs s"):
        table.add_column(column, justify="left" if column in ("tool", "variant") else "right")
    for tool in ("clientvault", "goaccess", "webalizer"):
        for name, v in (result[tool] or {}).items():
            table.add_row(
                tool, name, f"{v['median_s']:.2f}", f"{v['lines_per_s']:,}",
                f"{v['cpu_s_median']:.2f}", f"{v['peak_rss_mb']:.0f}",
                " ".join(f"{s:.2f}" for s in v["runs_s"]),
            )  # fmt: skip
    console = Console(width=120)
    console.print(table)
    console.print(f"ratios: {result['ratios']}")
    console.print(
        f"lookups: {result['lookup_cost_ms_per_address']} ms (wall) and "
        f"{result['lookup_cpu_ms_per_address']} ms (clientvault's CPU) per distinct address"
    )
    console.print(f"goals: {result['goals']}")
    console.print(f"checks: {result['checks']}")
    for name, entry in result["corpora"].items():
        if isinstance(entry, dict):
            cv, ga = entry["clientvault"], entry.get("goaccess", {})
            console.print(
                f"{name}: bytes clientvault {cv['bytes']:,} / GoAccess {ga.get('bytes', 0):,} "
                f"(match: {entry['bandwidth_matches']}); visits {cv['visits']:,} / GoAccess "
                f"visitors {ga.get('unique_visitors', 0):,}"
            )


# --- main --------------------------------------------------------------------------------------


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def scratch(keep: bool) -> Iterator[Path]:
    """A temporary directory, removed however the block is left unless ``keep``."""
    previous_term = signal.signal(signal.SIGTERM, _terminate)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    root = Path(tempfile.mkdtemp(prefix="clientvault-traffic-bench-"))
    try:
        yield root
    finally:
        if keep:
            log(f"Kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--addresses", type=int, default=0, help="default: lines / 50")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant (medians)")
    parser.add_argument("--keep", action="store_true", help="keep the logs and every run's output")
    parser.add_argument("--skip-goaccess", action="store_true")
    parser.add_argument("--skip-webalizer", action="store_true")
    parser.add_argument("--skip-corpora", action="store_true")
    return parser.parse_args()


def run(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    global TIME
    TIME = ensure_installed("time", "time") or ""
    if not TIME:
        raise SystemExit("GNU time (Debian package time) is needed to measure peak RSS")
    goaccess = None if args.skip_goaccess else ensure_installed("goaccess", "goaccess")
    webalizer = None if args.skip_webalizer else ensure_installed("webalizer", "webalizer")
    addresses = args.addresses or max(10, args.lines // 50)
    log(f"Generating {args.lines:,} lines from {addresses:,} addresses (seed {args.seed})...")
    plain, started = root / "access.log", time.perf_counter()
    generated = generate(plain, lines=args.lines, addresses=addresses, seed=args.seed)
    generation_s = time.perf_counter() - started
    tiny = root / "tiny.log"
    with plain.open() as source:
        tiny.write_text("".join(source.readline() for _ in range(TINY)))
    zone = PtrZone()
    zone.add([v.address for v in generated.visitors])
    server, dns = serve_ptr(zone)
    try:
        work = prepare(root, dns)
        load = [round(x, 2) for x in os.getloadavg()]
        plan = Plan(work, plain, Path(f"{plain}.gz"), tiny, goaccess, webalizer, generated.lines)
        for n in range(args.repeat):
            log(f"Round {n + 1} of {args.repeat} (load {os.getloadavg()[0]:.1f})")
            clientvault_round(plan, zone)
            if goaccess:
                goaccess_round(plan)
            if webalizer:
                webalizer_round(plan)
        result = assemble(plan, generated, args) | {
            "load_average_before": load,
            "generation_s": round(generation_s, 1),
            "log_bytes": plain.stat().st_size,
            "gz_bytes": plan.packed.stat().st_size,
        }
        result["versions"] = {
            "goaccess": version([goaccess, "--version"]) if goaccess else None,
            "webalizer": version([webalizer, "-V"]) if webalizer else None,
        }
        result["dns_server"] = f"dnslib in the bench's process, {len(zone.records):,} PTR records"
        if not args.skip_corpora:
            log("Corpora...")
        result["corpora"] = {} if args.skip_corpora else corpora(work, goaccess)
    finally:
        server.stop()
    return result


def main() -> None:
    args = parse_args()
    with scratch(args.keep) as root:
        result = run(args, root)
    show(result)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
