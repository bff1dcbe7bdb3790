# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The kernel's site directory, as the hosting app answers it: which service serves a domain,
on which account."""

from __future__ import annotations

import datetime

import pytest

from clientvault.hosting.models import Service, ServiceStatus, ServiceStatusChange, StatusReason
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.hosting.sites import ServiceSites
from clientvault.privacy import sites as kernel
from clientvault.privacy.sites import HostedSite, host_names, owner_among, sites
from tests.accounts.personas import customer, outsider  # noqa: F401
from tests.hosting.support import make_service
from tests.traffic.figures import at

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


DAY = datetime.timedelta(days=1)
NOW = datetime.datetime(2026, 5, 20, 12, tzinfo=datetime.UTC)


def change(service: Service, was: str, to: str, when: datetime.datetime) -> None:
    reason = StatusReason.PROVISIONED if to == ServiceStatus.ACTIVE else StatusReason.STAFF
    ServiceStatusChange.objects.create(
        service=service, from_status=was, to_status=to, reason=reason, at=when
    )


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


def test_hosting_registers_its_directory_at_start_up():
    assert isinstance(sites(), ServiceSites)


def test_without_a_directory_the_kernel_says_which_app_is_missing(monkeypatch):
    monkeypatch.setattr(kernel, "_registered", [])
    with pytest.raises(kernel.SitesMissing, match=r"clientvault\.hosting"):
        sites()


def test_an_accounts_sites_are_its_services_with_a_domain(customer, outsider):
    service = make_service(customer, domain="ada-site.com")
    make_service(customer, domain="")
    make_service(outsider, domain="otto-site.de")
    found = sites().sites_of(customer.customer.number)
    assert found == [
        HostedSite(
            reference=service.reference,
            domain="ada-site.com",
            account=customer.customer.number,
            label=service.plan.name,
            since=service.created_at.astimezone(datetime.UTC).date(),
            until=None,
            live=True,
            bandwidth_mb=service.plan.bandwidth_mb,
            serves_site=True,
            started=service.created_at,  # active, its activation not in the history
        )
    ]
    assert sites().sites_of("CV-0000000") == []


def test_a_site_is_found_only_through_its_own_account(customer, outsider):
    service = make_service(customer, domain="ada-site.com")
    bare = make_service(customer, domain="")
    assert sites().site_of(customer.customer.number, service.reference).domain == "ada-site.com"
    assert sites().site_of(outsider.customer.number, service.reference) is None
    assert sites().site_of(customer.customer.number, bare.reference) is None
    assert sites().site_of(customer.customer.number, "svc-000000000000") is None


def test_an_ended_service_is_still_the_accounts_but_not_live(customer):
    service = make_service(customer, domain="ada-site.com", status=ServiceStatus.CANCELLED)
    ended = datetime.datetime(2026, 5, 4, 23, 30, tzinfo=datetime.UTC)
    ServiceStatusChange.objects.create(
        service=service,
        from_status=ServiceStatus.ACTIVE,
        to_status=ServiceStatus.CANCELLED,
        reason=StatusReason.CUSTOMER_CANCELLED,
        at=ended,
    )
    found = sites().site_of(customer.customer.number, service.reference)
    assert found is not None
    assert found.live is False
    assert found.until == datetime.date(2026, 5, 4)
    live = make_service(customer, domain="ada-site.net")
    assert sites().site_of(customer.customer.number, live.reference).until is None


def test_a_site_counts_from_the_day_it_became_active_not_the_day_it_was_ordered(customer):
    service = make_service(customer, domain="ada-site.com", status=ServiceStatus.PENDING)
    assert sites().site_of(customer.customer.number, service.reference).since is None
    became = datetime.datetime(2026, 5, 6, 0, 30, tzinfo=datetime.UTC)
    change(service, ServiceStatus.PENDING, ServiceStatus.ACTIVE, became)
    change(service, ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED, became + DAY)
    change(service, ServiceStatus.SUSPENDED, ServiceStatus.ACTIVE, became + 2 * DAY)
    Service.objects.filter(pk=service.pk).update(status=ServiceStatus.ACTIVE)
    found = sites().site_of(customer.customer.number, service.reference)
    assert (found.since, found.started) == (datetime.date(2026, 5, 6), became)


def test_an_order_cancelled_before_it_was_paid_never_counts(customer):
    service = make_service(customer, domain="ada-site.com", status=ServiceStatus.CANCELLED)
    ended = datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)
    change(service, ServiceStatus.PENDING, ServiceStatus.CANCELLED, ended)
    found = sites().site_of(customer.customer.number, service.reference)
    assert (found.since, found.until) == (None, datetime.date(2026, 5, 4))
    assert sites().claims_under("ada-site.com") == []


def test_a_host_belongs_to_the_live_service_of_its_domain_or_a_parent(customer, outsider):
    shop = make_service(outsider, domain="shop.ada-site.com")
    site = make_service(customer, domain="ada-site.com")
    make_service(customer, domain="old-site.com", status=ServiceStatus.TERMINATED)
    make_service(outsider, domain="www.ada-site.com", status=ServiceStatus.PENDING)
    directory = sites()
    assert directory.owner_of("ada-site.com").reference == site.reference
    assert directory.owner_of("WWW.Ada-Site.com.").reference == site.reference
    assert directory.owner_of("www.ada-site.com:443").reference == site.reference
    assert directory.owner_of("cdn.shop.ada-site.com").reference == shop.reference
    assert directory.owner_of("old-site.com") is None
    assert directory.owner_of("not-ada-site.com") is None
    assert directory.owner_of("com") is None
    assert directory.owner_of("") is None


def test_on_a_tie_the_hosting_plan_then_the_oldest_owns_the_host(customer, outsider):
    ssl = make_service(customer, domain="ada-site.com", code="addon-ssl")
    change(ssl, ServiceStatus.PENDING, ServiceStatus.ACTIVE, NOW - 9 * DAY)
    site = make_service(customer, domain="ada-site.com")
    change(site, ServiceStatus.PENDING, ServiceStatus.ACTIVE, NOW - 5 * DAY)
    newcomer = make_service(outsider, domain="ada-site.com")
    change(newcomer, ServiceStatus.PENDING, ServiceStatus.ACTIVE, NOW - DAY)
    assert sites().owner_of("www.ada-site.com").reference == site.reference
    claims = sites().claims_under("ada-site.com")
    assert {claim.reference for claim in claims} == {
        ssl.reference,
        site.reference,
        newcomer.reference,
    }
    Service.objects.filter(pk=site.pk).update(status=ServiceStatus.CANCELLED)
    assert sites().owner_of("ada-site.com").reference == newcomer.reference  # hosts the site
    Service.objects.filter(pk=newcomer.pk).update(status=ServiceStatus.CANCELLED)
    assert sites().owner_of("ada-site.com").reference == ssl.reference


def test_a_host_is_owned_on_a_day_only_by_a_service_serving_that_day():
    def site(reference: str, since: int, until: int | None = None) -> HostedSite:
        day = datetime.date(2026, 5, 1)
        return HostedSite(
            reference=reference,
            domain="example.com",
            account="CV-1",
            label="Plan",
            since=day + datetime.timedelta(days=since),
            until=day + datetime.timedelta(days=until) if until is not None else None,
            started=at(day + datetime.timedelta(days=since)),
        )

    old, new = site("svc-old", 0, until=4), site("svc-new", 2)
    on = [datetime.date(2026, 5, day) for day in (1, 3, 5, 6)]
    owners = [owner_among("www.example.com", [new, old], day) for day in on]
    assert [owner.reference for owner in owners] == ["svc-old", "svc-old", "svc-old", "svc-new"]
    assert owner_among("www.example.com", [new], datetime.date(2026, 5, 1)) is None
    assert owner_among("example.org", [new, old]) is None


def test_host_names_are_the_host_and_its_parents_longest_first():
    assert host_names("www.Shop.example.com.") == [
        "www.shop.example.com",
        "shop.example.com",
        "example.com",
    ]
    assert host_names("example.com:8080") == ["example.com"]
    assert host_names("localhost") == []


def test_a_site_covers_its_domain_and_subdomains_only():
    site = HostedSite(reference="svc-1", domain="example.com", account="CV-1", label="Plan")
    assert site.covers("example.com")
    assert site.covers("www.example.com")
    assert not site.covers("badexample.com")
    assert not site.covers("example.com.evil.net")
