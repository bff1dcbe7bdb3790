"""Hosting's site directory for the kernel: which service serves a domain, on which account.

Registered in the app's ``ready`` (``clientvault.privacy.sites``); the traffic app reads usage
per service through it without importing hosting.

A service's figures begin the day it became active (paid and set up), never the day it was
ordered: anyone may order a plan for any domain, so a pending service is no claim on it.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q, QuerySet

from clientvault.hosting.models import Service, ServiceStatus
from clientvault.privacy.sites import HostedSite, host_names, owner_among

ENDED = (ServiceStatus.CANCELLED, ServiceStatus.TERMINATED)
# The statuses of a service that is serving its domain (a pending one is not, yet).
SERVING = (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)
_WAS_SERVING = Q(history__to_status__in=SERVING) | Q(history__from_status__in=SERVING)


def _with_domain() -> QuerySet[Service]:
    related = ("customer", "plan__billing_plan")
    return (
        Service.objects.exclude(domain="")
        .select_related(*related)
        .annotate(
            activated_at=Min("history__at", filter=Q(history__to_status=ServiceStatus.ACTIVE)),
            ended_at=Min("history__at", filter=Q(history__to_status__in=ENDED)),
            served=Count("history", filter=_WAS_SERVING),
        )
    )


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def activated_at(service: Service) -> datetime.datetime | None:
    """When the service first became active; None if it never was. A service that is (or
    was) serving without its activation in the history (made before history was kept) counts
    from its creation."""
    found: datetime.datetime | None = getattr(service, "activated_at", None)
    if found is not None:
        return found
    served: int = getattr(service, "served", 0)
    if service.status in SERVING or served:
        return service.created_at
    return None


def ended_on(service: Service) -> datetime.date | None:
    """The day an ended service was cancelled (or terminated); None while it lasts."""
    if service.is_live:
        return None
    ended: datetime.datetime | None = getattr(service, "ended_at", None)
    return _day(ended or service.updated_at)


def hosted_site(service: Service) -> HostedSite:
    started = activated_at(service)
    return HostedSite(
        reference=service.reference,
        domain=service.domain.lower(),
        account=service.customer.number,
        label=service.plan.name,
        since=_day(started) if started else None,
        until=ended_on(service),
        live=service.is_live,
        bandwidth_mb=service.plan.bandwidth_mb,
        serves_site=service.plan.disk_mb > 0,
        started=started,
    )


class ServiceSites:
    def sites_of(self, account: str) -> list[HostedSite]:
        found = _with_domain().filter(customer__number=account)
        return [hosted_site(service) for service in found]

    def site_of(self, account: str, reference: str) -> HostedSite | None:
        found = _with_domain().filter(customer__number=account, reference=reference).first()
        return hosted_site(found) if found else None

    def claims_under(self, domain: str) -> list[HostedSite]:
        name = domain.lower()
        under = Q(domain__iexact=name) | Q(domain__iendswith="." + name)
        found = (hosted_site(service) for service in _with_domain().filter(under))
        return [site for site in found if site.since is not None]

    def owner_of(self, host: str) -> HostedSite | None:
        names = host_names(host)
        serving = _with_domain().filter(domain__in=names, status__in=SERVING)
        found = [hosted_site(service) for service in serving]
        return owner_among(names[0], found) if names else None
