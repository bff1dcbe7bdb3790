# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Whose usage a domain's figures are: a service's own hours only, from the day it became
active (paid and set up), never another account's.

Anyone may order a plan for a domain served elsewhere, with no proof of control: a pending
order, even a paid one while the domain's incumbent lasts, shows nothing of its figures. A
subdomain that is another service is not its parent's usage, and of a hosting plan and an
add-on (SSL certificate) of the same domain only the hosting plan shows them.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clientvault.hosting.models import Service, ServiceStatus, ServiceStatusChange, StatusReason
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.hosting.services.status import lock_service, move_service
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.sites import sites
from clientvault.traffic import hooks, queries
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    outsider_client,
)
from tests.hosting.api_support import get
from tests.hosting.support import make_service, order_hosting
from tests.traffic.figures import a_day, an_hour, at
from tests.traffic.test_usage_pages import activated, ordered_long_ago

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

USAGE = reverse("traffic:usage")
TODAY = queries.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def incumbent(customer) -> Service:
    """Ada's site, active for long: 60 requests yesterday and today, 10 on www today."""
    ensure_catalogue()
    service = ordered_long_ago(make_service(customer, domain="ada-site.com"))
    a_day("ada-site.com", TODAY)
    a_day("ada-site.com", YESTERDAY)
    an_hour("www.ada-site.com", at(TODAY, 1), hits=10)
    return service


def ordered_elsewhere(person, domain: str = "ada-site.com") -> Service:
    """``person`` orders a plan for ``domain``, "served elsewhere": pending until paid."""
    order = order_hosting(person, domain=domain, action="")
    return order.services.get()


def set_up(service: Service) -> Service:
    """The service becomes active, as when its order is paid and it is set up."""
    with transaction.atomic():
        move_service(
            service=lock_service(service),
            to=ServiceStatus.ACTIVE,
            reason=StatusReason.PROVISIONED,
            actor=SystemActor("tests"),
        )
    service.refresh_from_db()
    return service


def hits(service: Service, days: int = 30) -> int:
    site = sites().site_of(service.customer.number, service.reference)
    assert site is not None
    return queries.usage(site, queries.last_days(TODAY, days)).total.hits


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def detail(service: Service) -> str:
    return reverse("traffic:service_usage", args=[service.reference])


def test_an_order_for_anothers_domain_shows_nothing_of_it(outsider, outsider_client, incumbent):
    hooks.register()
    ordered = ordered_elsewhere(outsider)
    assert ordered.status == ServiceStatus.PENDING
    assert sites().site_of(outsider.customer.number, ordered.reference).since is None
    assert hits(ordered) == 0
    assert "Nothing measured yet" in page_of(outsider_client, USAGE)
    page = page_of(outsider_client, detail(ordered))
    assert "60 kB" not in page
    assert "130 kB" not in page
    section = page_of(outsider_client, reverse("hosting:service", args=[ordered.reference]))
    assert "Nothing measured for ada-site.com yet" in section
    body = get(outsider, f"/services/{ordered.reference}/usage").json()
    assert body["total"]["requests"] == 0
    assert all(row["requests"] == 0 for row in body["rows"])
    assert hits(incumbent) == 130


def test_paying_for_it_shows_nothing_while_the_incumbent_lasts(outsider, incumbent):
    newcomer = set_up(ordered_elsewhere(outsider))
    assert sites().site_of(outsider.customer.number, newcomer.reference).since == TODAY
    assert hits(newcomer) == 0
    assert hits(incumbent) == 130
    assert sites().owner_of("www.ada-site.com").reference == incumbent.reference


def test_a_newcomer_counts_from_the_day_after_the_incumbent_ended(outsider, incumbent):
    newcomer = ordered_elsewhere(outsider)
    activated(newcomer, at(YESTERDAY - datetime.timedelta(days=1)))
    Service.objects.filter(pk=newcomer.pk).update(status=ServiceStatus.ACTIVE)
    Service.objects.filter(pk=incumbent.pk).update(status=ServiceStatus.CANCELLED)
    ServiceStatusChange.objects.create(
        service=incumbent,
        from_status=ServiceStatus.ACTIVE,
        to_status=ServiceStatus.CANCELLED,
        reason=StatusReason.CUSTOMER_CANCELLED,
        at=at(YESTERDAY, 8),
    )
    assert hits(incumbent) == 60  # yesterday's: it was still Ada's that day
    assert hits(newcomer) == 70  # today's, Otto's site


def test_a_subdomain_that_is_anothers_service_is_not_in_the_parents_usage(
    outsider, outsider_client, incumbent
):
    shop = ordered_long_ago(make_service(outsider, domain="shop.ada-site.com"))
    an_hour("shop.ada-site.com", at(TODAY, 3), hits=500)
    an_hour("cdn.shop.ada-site.com", at(TODAY, 3), hits=7)
    assert hits(incumbent) == 130
    assert hits(shop) == 507
    assert "507" in page_of(outsider_client, USAGE)


def test_a_pending_subdomain_order_takes_nothing_from_the_parent(outsider, incumbent):
    shop = ordered_elsewhere(outsider, domain="www.ada-site.com")
    assert hits(shop) == 0
    assert hits(incumbent) == 130


def test_the_hosting_plan_shows_the_figures_not_the_ssl_add_on(customer, customer_client):
    ensure_catalogue()
    ssl = ordered_long_ago(make_service(customer, domain="ada-site.com", code="addon-ssl"), 500)
    site = ordered_long_ago(make_service(customer, domain="ada-site.com"))
    a_day("ada-site.com", TODAY)
    assert hits(site) == 60
    assert hits(ssl) == 0
    page = page_of(customer_client, USAGE)
    assert page.count("Nothing measured yet") == 1  # the SSL certificate's row


def test_a_service_never_active_shows_nothing_even_when_ended(customer):
    ensure_catalogue()
    service = make_service(customer, domain="ada-site.com", status=ServiceStatus.PENDING)
    a_day("ada-site.com", TODAY)
    assert hits(service) == 0
    Service.objects.filter(pk=service.pk).update(
        status=ServiceStatus.CANCELLED, updated_at=timezone.now()
    )
    assert hits(service) == 0
