"""What the traffic app keeps: per source of log lines (a batch), pseudonymous aggregates.

No model here has a field for an IP address or a user-agent string: a visitor's address is
turned into the registrable domain of its name (their ISP) and a pseudonym under a daily salt
before anything is written (:mod:`clientvault.traffic.engine`), and only counts are kept.

- ``Batch``: one ingested log (by its content's SHA-256) or one file a web server sent; its
  figures are replaced as a whole when it is ingested again with ``--force``.
- ``HourTotal``: per site and hour, the site's totals.
- ``DayFigure``: per site and day, a breakdown (paths, entry and exit pages, browsers, systems,
  devices, ISP domains), each row about at least k visitors; the rest is one "other" row.
- ``OpenVisit``: a visit that may still go on in the next log, by pseudonym, kept only for the
  profile's ``[retention] visit_rows`` (the retention sweep drops it).
"""

from __future__ import annotations

from django.db import models

OTHER = ""  # the value of a DayFigure that folds every value seen by fewer than k visitors
UNKNOWN_ISP = "-"  # the ISP value of an address whose name nobody knew (or was not asked)
# The counts of an HourTotal, in the order the engine and the Parquet files give them.
HOUR_COUNTS = (
    "hits",
    "pages",
    "visits",
    "robot_hits",
    "bytes",
    "status_1xx",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
)


class LogFormat(models.TextChoices):
    COMBINED = "combined", "Combined (Apache, nginx)"
    COMMON = "common", "Common Log Format"
    VHOST_COMBINED = "vhost_combined", "Combined with the virtual host first"
    NGINX_JSON = "nginx_json", "nginx JSON lines"


class Origin(models.TextChoices):
    INGESTED = "ingested", "Ingested here"
    IMPORTED = "imported", "Imported from a web server"


class Batch(models.Model):
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the source's bytes
    source = models.CharField(max_length=255)  # the file's name (no directory) or "stdin"
    log_format = models.CharField(max_length=16, choices=LogFormat.choices)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.INGESTED)
    lines = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    lookups_skipped = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    ingested_at = models.DateTimeField()

    class Meta:
        ordering = ["-ingested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted__lte=models.F("lines")), name="batch_accepted_le_lines"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.digest[:12]})"


class HourTotal(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="hours")
    site = models.CharField(max_length=253)
    hour = models.DateTimeField()  # the hour's start, UTC
    hits = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)  # page views by people (not robots)
    visits = models.PositiveIntegerField(default=0)
    robot_hits = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    status_1xx = models.PositiveIntegerField(default=0)
    status_2xx = models.PositiveIntegerField(default=0)
    status_3xx = models.PositiveIntegerField(default=0)
    status_4xx = models.PositiveIntegerField(default=0)
    status_5xx = models.PositiveIntegerField(default=0)
    # Time to serve: how many requests fell in each of timing.BUCKETS (empty: not logged).
    serve_ms = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["site", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "site", "hour"], name="hourtotal_once"),
            models.CheckConstraint(
                condition=models.Q(pages__lte=models.F("hits")), name="hourtotal_pages_le_hits"
            ),
        ]
        indexes = [models.Index(fields=["site", "hour"])]

    @property
    def errors(self) -> int:
        return self.status_4xx + self.status_5xx


class Dimension(models.TextChoices):
    PATH = "path", "Pages and failed requests"
    ENTRY = "entry", "Entry pages"
    EXIT = "exit", "Exit pages"
    BROWSER = "browser", "Browsers"
    SYSTEM = "system", "Operating systems"
    DEVICE = "device", "Devices"
    ISP = "isp", "ISP domains"


class DayFigure(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="figures")
    site = models.CharField(max_length=253)
    day = models.DateField()
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    value = models.CharField(max_length=300, blank=True)  # OTHER ("") folds the rare ones
    hits = models.PositiveIntegerField(default=0)  # requests, or visits for entry and exit
    errors = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["site", "day", "dimension", "-hits"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "site", "day", "dimension", "value"], name="dayfigure_once"
            )
        ]
        indexes = [models.Index(fields=["site", "dimension", "day"])]


class OpenVisit(models.Model):
    """A visit still open when its log ended; pseudonymous, kept for ``[retention] visit_rows``."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="open_visits")
    site = models.CharField(max_length=253)
    pseudonym = models.BigIntegerField()  # keyed hash of the address under the day's salt
    browser = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "site", "pseudonym", "browser"], name="openvisit_once"
            )
        ]
        indexes = [models.Index(fields=["site", "pseudonym", "browser", "last_seen"])]
