"""Ingest web logs (COL-10, COL-11, COL-12), here or on a web server, and import the figures a
web server sends.

Each log is one batch, known by the SHA-256 of its bytes: a log ingested before is skipped
unless ``force``, and then its figures are replaced, never added twice. A bad log (binary,
truncated, of no known format) is reported and the others go on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.routers import KEYSTORE_ALIAS
from clientvault.privacy.salts import daily_salt, drop_expired_salts
from clientvault.traffic import engine, parquet, sources
from clientvault.traffic.models import Batch, Origin
from clientvault.traffic.services.store import AlreadyStored, store_analysis
from clientvault.traffic.services.sweep import SALT_SCOPE

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


def _salt(now: datetime.datetime) -> bytes:
    with transaction.atomic(using=KEYSTORE_ALIAS):
        drop_expired_salts(scope=SALT_SCOPE, now=now)
        return daily_salt(scope=SALT_SCOPE, now=now)


def _options(request: Request, salt: bytes) -> engine.Options:
    rules = current_profile().traffic
    lookups = rules.reverse_lookups if request.lookups is None else request.lookups
    return engine.Options(
        salt=salt,
        site=request.site.strip().lower().rstrip("."),
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
    run, options = Run(), _options(request, _salt(timezone.now()))
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
        try:
            outcome.batch = store_analysis(
                analysis=outcome.analysis, force=request.force, actor=actor
            )
        except AlreadyStored as skipped:  # the same content twice in one run
            outcome.skipped = str(skipped)
    return run


def write_figures(*, run: Run, output: Path) -> int:
    """Write the analysed logs of ``run`` to a Parquet file for the centre; how many rows."""
    return parquet.write([o.analysis for o in run.outcomes if o.analysis is not None], output)


def import_figures(*, path: Path, actor: Actor, force: bool = False) -> Run:
    """Store each log of a web server's Parquet file; logs stored before are skipped."""
    run = Run()
    try:
        analyses = parquet.read(path)
    except parquet.ParquetError as error:
        run.outcomes.append(Outcome(name=path.name, error=str(error)))
        return run
    for analysis in analyses:
        outcome = Outcome(name=analysis.name, analysis=analysis)
        run.outcomes.append(outcome)
        try:
            outcome.batch = store_analysis(
                analysis=analysis, origin=Origin.IMPORTED, force=force, actor=actor
            )
        except AlreadyStored as skipped:
            outcome.skipped = str(skipped)
        except IntegrityError:
            outcome.error = (
                f"{path.name}: the figures of {analysis.name} are not valid "
                "(a count is negative or repeated)"
            )
    return run
