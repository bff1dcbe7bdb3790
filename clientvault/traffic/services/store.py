"""Store one log's figures as a batch, replacing an earlier copy of the same log when forced.

A visit that goes on from the previous log (same site, pseudonym and browser, its first page
within the idle timeout of the open visit's last) is not counted twice: the new log's count for
that hour is lowered by one (its entry and exit pages still count in both logs). Only visits
still open at a log's end are kept, and only until ``[retention] visit_rows`` has passed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.traffic.engine import Analysis
from clientvault.traffic.models import Batch, DayFigure, HourTotal, OpenVisit, Origin


class AlreadyStored(Exception):
    """The log was ingested or imported before; the message says when."""


def _continued(
    analysis: Analysis, idle: datetime.timedelta
) -> Counter[tuple[str, datetime.datetime]]:
    """Per (site, hour): how many of the log's first visits continue a stored open visit."""
    sites = {site for site, *_ in analysis.first_visits}
    starts = [start for *_, start in analysis.first_visits]
    if not starts:
        return Counter()
    stored = {
        (v.site, v.pseudonym, v.browser): v.last_seen
        for v in OpenVisit.objects.filter(
            site__in=sites, last_seen__gte=min(starts) - idle, last_seen__lte=max(starts)
        )
    }
    counts: Counter[tuple[str, datetime.datetime]] = Counter()
    for site, pid, browser, start in analysis.first_visits:
        last = stored.get((site, pid, browser))
        if last is not None and datetime.timedelta(0) <= start - last <= idle:
            counts[(site, start.replace(minute=0, second=0, microsecond=0))] += 1
    return counts


def _hours(batch: Batch, analysis: Analysis, continued: Counter[Any]) -> list[HourTotal]:
    rows = []
    for site, hour, hits, pages, visits, robots, size, s1, s2, s3, s4, s5, serve in analysis.hours:
        rows.append(
            HourTotal(
                batch=batch,
                site=site,
                hour=hour,
                hits=hits,
                pages=pages,
                robot_hits=robots,
                visits=max(0, visits - continued[(site, hour)]),
                bytes=size,
                status_1xx=s1,
                status_2xx=s2,
                status_3xx=s3,
                status_4xx=s4,
                status_5xx=s5,
                serve_ms=serve,
            )
        )
    return rows


def _figures(batch: Batch, analysis: Analysis) -> list[DayFigure]:
    return [
        DayFigure(
            batch=batch,
            site=site,
            day=day,
            dimension=dimension,
            value=value,
            hits=hits,
            errors=errors,
            visitors=visitors,
        )
        for site, day, dimension, value, hits, errors, visitors in analysis.figures
    ]


def _open_visits(batch: Batch, analysis: Analysis) -> list[OpenVisit]:
    return [
        OpenVisit(
            batch=batch,
            site=site,
            pseudonym=pid,
            browser=browser,
            started_at=started,
            last_seen=last,
        )
        for site, pid, browser, started, last in analysis.open_visits
    ]


def _check_new(digest: str, *, force: bool) -> None:
    earlier = Batch.objects.filter(digest=digest).first()
    if earlier is None:
        return
    if not force:
        when = timezone.localtime(earlier.ingested_at).strftime("%Y-%m-%d %H:%M")
        raise AlreadyStored(
            f"already {earlier.get_origin_display().lower()} on {when} "
            "(the same content); --force replaces it"
        )
    earlier.delete()


def store_analysis(
    *, analysis: Analysis, origin: str = Origin.INGESTED, force: bool = False, actor: Actor
) -> Batch:
    """Write a log's figures as one batch, in one transaction, with its audit event."""
    idle = datetime.timedelta(minutes=current_profile().traffic.visit_idle_minutes)
    with transaction.atomic():
        _check_new(analysis.digest, force=force)
        batch = Batch.objects.create(
            digest=analysis.digest,
            source=analysis.name[:255],
            log_format=analysis.log_format,
            origin=origin,
            lines=analysis.lines,
            accepted=analysis.accepted,
            rejected=analysis.rejected,
            lookups_skipped=analysis.lookups_skipped,
            first_at=analysis.first_at,
            last_at=analysis.last_at,
            ingested_at=timezone.now(),
        )
        HourTotal.objects.bulk_create(
            _hours(batch, analysis, _continued(analysis, idle)), batch_size=2000
        )
        DayFigure.objects.bulk_create(_figures(batch, analysis), batch_size=2000)
        OpenVisit.objects.bulk_create(_open_visits(batch, analysis), batch_size=2000)
        record_event(
            action=f"traffic.{origin}",
            actor=actor,
            purpose="analytics",
            obj=batch,
            details={
                "lines": analysis.lines,
                "accepted": analysis.accepted,
                "rejected": analysis.rejected,
                "replaced": force,
            },
        )
    return batch
