"""Declarations of the traffic figures (COL-10, COL-11, USE-3, USE-4).

No model has an address or a user-agent string. The batches, hourly totals and daily breakdowns
are anonymous counts: every breakdown value is about at least k visitors (the rest is folded
into "other" before it is written). Only ``OpenVisit`` is pseudonymous (a keyed hash of an
address under a salt that is deleted 48 hours after its day began); it expires after
``[retention] visit_rows``.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv
from clientvault.traffic.models import HOUR_COUNTS

COUNT = "an anonymous count"
ROW_ID = inv.not_personal("row id")
_BATCH = inv.not_personal("link to the log the figures came from")

inv.declare(
    "traffic.Batch",
    subject=None,
    description="Logs ingested or imported: their digest, name and line counts",
    fields={
        "id": ROW_ID,
        "digest": inv.not_personal("SHA-256 of the log's bytes, to know it again"),
        "source": inv.not_personal("the log file's name"),
        "log_format": inv.not_personal("the log's format"),
        "origin": inv.not_personal("ingested here or imported from a web server"),
        **{
            name: inv.not_personal(COUNT)
            for name in ("lines", "accepted", "rejected", "lookups_skipped")
        },
        "first_at": inv.not_personal("the log's first time"),
        "last_at": inv.not_personal("the log's last time"),
        "ingested_at": inv.not_personal("when"),
    },
)

inv.declare(
    "traffic.HourTotal",
    subject=None,
    description="Per site and hour: requests, pages, visits, bandwidth, status classes, timing",
    fields={
        "id": ROW_ID,
        "batch": _BATCH,
        "site": inv.not_personal("a hosted site's name"),
        "hour": inv.not_personal("the hour"),
        "serve_ms": inv.not_personal("counts of requests per time-to-serve bucket"),
        **{name: inv.not_personal(COUNT) for name in HOUR_COUNTS},
    },
)

inv.declare(
    "traffic.DayFigure",
    subject=None,
    description="Per site and day: paths, entry and exit pages, browsers, systems, devices and "
    "ISP domains, each about at least k visitors (the rest folded into 'other')",
    fields={
        "id": ROW_ID,
        "batch": _BATCH,
        "site": inv.not_personal("a hosted site's name"),
        "day": inv.not_personal("the day"),
        "dimension": inv.not_personal("what the value is"),
        "value": inv.not_personal(
            "a path (without its query string), browser, system, device class or ISP domain "
            "seen by at least k visitors"
        ),
        "hits": inv.not_personal(COUNT),
        "errors": inv.not_personal(COUNT),
        "visitors": inv.not_personal(COUNT),
    },
)

inv.declare(
    "traffic.OpenVisit",
    subject=None,
    retention=inv.RowRetention(period="visit_rows", age_field="last_seen"),
    description="Visits still open when a log ended, by pseudonym, so that a visit spanning "
    "two logs counts once",
    fields={
        "id": ROW_ID,
        "batch": _BATCH,
        "site": inv.not_personal("a hosted site's name"),
        "pseudonym": inv.personal(
            "user.device.ip_address", purposes=["analytics"], erasure="delete"
        ),
        "browser": inv.not_personal("a browser family"),
        "started_at": inv.not_personal("when the visit began"),
        "last_seen": inv.not_personal("its last page request"),
    },
)
