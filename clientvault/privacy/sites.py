"""The site directory: which hosted service serves a domain, and whose account it is on.

The traffic app meters usage per service and domain, yet it may not import the hosting app
(a lower layer it must reach only through the kernel). The hosting app registers one
:class:`SiteDirectory` at start-up (its ``ready``); the kernel holds it, and traffic asks the
kernel.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class HostedSite:
    """A hosting service with a domain, as the apps above hosting see it."""

    reference: str  # the service's reference, "svc-…"
    domain: str  # the domain it serves, lower case A-labels
    account: str  # the number of the account it is on
    label: str  # what the customer calls it: the plan's name
    # The day the service became active (None: it never was, e.g. ordered and not paid), and
    # the day it ended (None while it lasts): figures of its domain from outside those days
    # belong to whoever hosted the domain before or after, and are never shown with it.
    since: datetime.date | None = None
    until: datetime.date | None = None
    live: bool = True  # pending, active or suspended (not cancelled or terminated)
    bandwidth_mb: int = 0  # the plan's monthly data transfer allowance; 0: unmetered
    serves_site: bool = True  # a web hosting plan (with disk), not an add-on such as SSL
    started: datetime.datetime | None = None  # the moment it became active: since, exactly

    def covers(self, host: str) -> bool:
        """Whether ``host`` is the service's domain or one of its subdomains."""
        return host == self.domain or host.endswith("." + self.domain)

    def serving_on(self, day: datetime.date) -> bool:
        """Whether the service was active (or suspended) on ``day``, from since to until."""
        return (
            self.since is not None and self.since <= day and (not self.until or day <= self.until)
        )


class SiteDirectory(Protocol):
    def sites_of(self, account: str) -> list[HostedSite]:
        """The account's services that have a domain, newest first; [] for an unknown number."""

    def site_of(self, account: str, reference: str) -> HostedSite | None:
        """The account's service with this reference, if it has a domain; None otherwise."""

    def claims_under(self, domain: str) -> list[HostedSite]:
        """Every service, of any account, that is or was active for ``domain`` or one of its
        subdomains: who may own a host under it, on some day (see :func:`owner_among`)."""

    def owner_of(self, host: str) -> HostedSite | None:
        """The active (or suspended) service that owns ``host`` now (:func:`owner_among`);
        None when none serves it. A pending service, ordered and not paid, owns nothing."""


_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _precedence(site: HostedSite) -> tuple[int, bool, datetime.datetime, str]:
    return (-len(site.domain), not site.serves_site, site.started or _LATEST, site.reference)


def owner_among(
    host: str, claims: list[HostedSite], day: datetime.date | None = None
) -> HostedSite | None:
    """The one service whose figures ``host``'s are (on ``day``; None: whichever ``claims``
    are given). Each host's hours belong to exactly one service: of those covering it (and
    serving that day), the longest domain (shop.example.com's own service, not
    example.com's); on a tie a web hosting plan before an add-on on the same domain (an SSL
    certificate); then the oldest, so a newcomer who orders an active domain gets nothing of
    it while its incumbent lasts."""
    found = [s for s in claims if s.covers(host) and (day is None or s.serving_on(day))]
    return min(found, key=_precedence, default=None)


class SitesMissing(RuntimeError):
    """No app registered a site directory: the hosting app is not installed."""


_registered: list[SiteDirectory] = []


def register_sites(directory: SiteDirectory) -> None:
    """Register the site directory (once, from the hosting app's ``ready``)."""
    _registered[:] = [directory]


def sites() -> SiteDirectory:
    if not _registered:
        raise SitesMissing("no site directory is registered: install clientvault.hosting")
    return _registered[0]


def host_names(host: str) -> list[str]:
    """The host, cleaned (lower case, no port, no final dot), and each parent name of it with
    at least two labels, longest first: ``www.shop.example.com`` -> itself, shop.example.com,
    example.com."""
    name = host.strip().lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    labels = [label for label in name.strip().rstrip(".").split(".") if label]
    return [".".join(labels[i:]) for i in range(max(len(labels) - 1, 0))]
