"""Ingest web logs (COL-10, COL-11, COL-12), here or on a web server, and import the figures a
web server sends.

Each log is one batch, known by the SHA-256 of its bytes: a log ingested before is skipped
unless ``force``, and then its figures are replaced, never added twice. A bad log (binary,
truncated, of no known format) is reported and the others go on.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.salts import daily_salt, salt_expires
from clientvault.traffic import engine, parquet, sources
from clientvault.traffic.models import OTHER, Batch, Origin
from clientvault.traffic.services.store import AlreadyStored, store_analysis
from clientvault.traffic.services.sweep import SALT_SCOPE, sweep_salts

STDIN = "-"


@dataclass
class Outcome:
    """What became of one log: its analysis and batch, or why it was skipped or refused."""

    name: str
    analysis: engine.Analysis | None = None
    batch: Batch | None = None
    skipped: str = ""
    error: str = ""


@dataclass(frozen=True)
class Request:
    site: str = ""
    log_format: str = "auto"
    lookups: bool | None = None  # None: as the profile says
    force: bool = False


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(outcome.error for outcome in self.outcomes)


def _salts(now: datetime.datetime) -> Callable[[datetime.date], bytes]:
    """The salt of each day a log's lines fall on: the day's stored salt while it is kept (48
    hours from the day's start), else a random one for this run only, never stored, so lines
    older than that can be linked to nothing at all."""
    sweep_salts(now=now)
    made: dict[datetime.date, bytes] = {}

    def salt_for(day: datetime.date) -> bytes:
        if day not in made:
            kept = salt_expires(day) > now
            start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            made[day] = daily_salt(scope=SALT_SCOPE, now=start) if kept else secrets.token_bytes(32)
        return made[day]

    return salt_for


class RequestError(ValueError):
    """Options that cannot be used (a --site that is no host name); the message names it."""


SITE = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


def _site(text: str) -> str:
    site = text.strip().lower().rstrip(".")
    if site and not SITE.fullmatch(site):
        raise RequestError(f"--site: {text[:60]!r} is not a host name (like example.com)")
    return site


def _options(request: Request, salt_for: Callable[[datetime.date], bytes]) -> engine.Options:
    rules = current_profile().traffic
    lookups = rules.reverse_lookups if request.lookups is None else request.lookups
    return engine.Options(
        salt_for=salt_for,
        site=_site(request.site),
        log_format=request.log_format,
        lookups=lookups,
        dns_server=settings.CLIENTVAULT_DNS_SERVER,
        k=rules.k_anonymity,
        idle_seconds=rules.visit_idle_minutes * 60,
    )


def _open(argument: str, stdin: BinaryIO | None) -> sources.Source:
    if argument == STDIN:
        if stdin is None:
            raise sources.SourceError("stdin: nothing to read")
        return sources.from_stdin(stdin)
    return sources.from_path(argument)


def analyse_logs(
    *,
    paths: Iterable[str],
    request: Request,
    stdin: BinaryIO | None = None,
    progress: Callable[[str], None] | None = None,
    known: Callable[[str], str] | None = None,
) -> Run:
    """Analyse each log (nothing stored). ``known(digest)`` says why a log is skipped, or ""."""
    run, options = Run(), _options(request, _salts(timezone.now()))
    for argument in paths:
        outcome = Outcome(name="stdin" if argument == STDIN else Path(argument).name)
        run.outcomes.append(outcome)
        try:
            source = _open(argument, stdin)
        except sources.SourceError as error:
            outcome.error = str(error)
            continue
        try:
            outcome.skipped = known(source.digest) if known and not request.force else ""
            if not outcome.skipped:
                outcome.analysis = engine.analyse(source, options, progress=progress)
            if outcome.analysis is not None and not outcome.analysis.lines:
                outcome.analysis, outcome.skipped = None, "empty: no lines to ingest"
        except (engine.EngineError, sources.SourceError) as error:
            outcome.error = str(error)
        finally:
            source.close()
    return run


def _already(digest: str) -> str:
    earlier = Batch.objects.filter(digest=digest).first()
    if earlier is None:
        return ""
    when = timezone.localtime(earlier.ingested_at).strftime("%Y-%m-%d %H:%M")
    return f"already {earlier.get_origin_display().lower()} on {when}; --force to replace it"


def ingest_logs(
    *,
    paths: Iterable[str],
    request: Request,
    actor: Actor,
    stdin: BinaryIO | None = None,
    progress: Callable[[str], None] | None = None,
) -> Run:
    """Analyse each log and store it as a batch (a log stored before: skipped unless forced)."""
    run = analyse_logs(paths=paths, request=request, stdin=stdin, progress=progress, known=_already)
    for outcome in run.outcomes:
        if outcome.analysis is None:
            continue
        _store(outcome, outcome.analysis, origin=Origin.INGESTED, force=request.force, actor=actor)
    return run


def _store(
    outcome: Outcome, analysis: engine.Analysis, *, origin: str, force: bool, actor: Actor
) -> None:
    """Store one analysis as a batch, or say why not (stored before, or at the same moment)."""
    try:
        outcome.batch = store_analysis(analysis=analysis, origin=origin, force=force, actor=actor)
    except AlreadyStored as skipped:  # the same content twice in one run, or stored before
        outcome.skipped = str(skipped)
    except IntegrityError:
        if Batch.objects.filter(digest=analysis.digest).exists():  # another run, same moment
            outcome.skipped = "already stored by another run at the same moment"
        else:
            outcome.error = f"the figures of {analysis.name} are not valid (a count is negative)"


def write_figures(*, run: Run, output: Path) -> int:
    """Write the analysed logs of ``run`` to a Parquet file for the centre; how many rows."""
    return parquet.write([o.analysis for o in run.outcomes if o.analysis is not None], output)


def fold(analysis: engine.Analysis, *, k: int) -> engine.Analysis:
    """The analysis with each breakdown value seen by fewer than ``k`` visitors in a day folded
    into "other" (a web server's profile may have a lower k than the centre's)."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for site, day, dimension, value, hits, errors, visitors in analysis.figures:
        key = (site, day, dimension, value if visitors >= k else OTHER)
        total = totals.setdefault(key, [0, 0, 0])
        total[0], total[1], total[2] = total[0] + hits, total[1] + errors, total[2] + visitors
    analysis.figures = [(*key, *total) for key, total in totals.items()]
    return analysis


def import_figures(*, path: Path, actor: Actor, force: bool = False) -> Run:
    """Store each log of a web server's Parquet file; logs stored before are skipped."""
    run, k = Run(), current_profile().traffic.k_anonymity
    try:
        analyses = parquet.read(path)
    except parquet.ParquetError as error:
        run.outcomes.append(Outcome(name=path.name, error=str(error)))
        return run
    for analysis in analyses:
        outcome = Outcome(name=analysis.name, analysis=analysis)
        run.outcomes.append(outcome)
        _store(outcome, fold(analysis, k=k), origin=Origin.IMPORTED, force=force, actor=actor)
    return run
