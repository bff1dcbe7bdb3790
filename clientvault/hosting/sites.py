"""Hosting's site directory for the kernel: which service serves a domain, on which account.

Registered in the app's ``ready`` (``clientvault.privacy.sites``); the traffic app reads usage
per service through it without importing hosting.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from clientvault.hosting.models import LIVE_STATUSES, Service, ServiceStatus
from clientvault.privacy.sites import HostedSite, host_names


def _with_domain() -> QuerySet[Service]:
    related = ("customer", "plan__billing_plan")
    return Service.objects.exclude(domain="").select_related(*related)


ENDED = (ServiceStatus.CANCELLED, ServiceStatus.TERMINATED)


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def ended_on(service: Service) -> datetime.date | None:
    """The day an ended service was cancelled (or terminated); None while it lasts."""
    if service.is_live:
        return None
    change = service.history.filter(to_status__in=ENDED).order_by("at").first()
    return _day(change.at if change else service.updated_at)


def hosted_site(service: Service) -> HostedSite:
    return HostedSite(
        reference=service.reference,
        domain=service.domain.lower(),
        account=service.customer.number,
        label=service.plan.name,
        since=_day(service.created_at),
        until=ended_on(service),
        live=service.is_live,
        bandwidth_mb=service.plan.bandwidth_mb,
    )


class ServiceSites:
    def sites_of(self, account: str) -> list[HostedSite]:
        found = _with_domain().filter(customer__number=account)
        return [hosted_site(service) for service in found]

    def site_of(self, account: str, reference: str) -> HostedSite | None:
        found = _with_domain().filter(customer__number=account, reference=reference).first()
        return hosted_site(found) if found else None

    def owner_of(self, host: str) -> HostedSite | None:
        names = host_names(host)
        live = _with_domain().filter(domain__in=names, status__in=LIVE_STATUSES)
        best = sorted(
            live, key=lambda service: (-len(service.domain), -service.created_at.timestamp())
        )
        return hosted_site(best[0]) if best else None
