# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer area's usage pages and the usage section of a service's page.

A service's usage is part of the service: the owner and authorised users with the services
permission see it; others on the account get 403, other accounts and staff 404.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Permission, StaffRole
from clientvault.hosting.models import (
    HostingPlan,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    StatusReason,
)
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.privacy.sites import sites
from clientvault.traffic import hooks, queries
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    customer_client,
    outsider,
    outsider_client,
    sign_in,
    staff,
    staff_client,
    teammate,
    teammate_client,
)
from tests.hosting.support import make_service
from tests.traffic.figures import a_day, an_hour, at

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

USAGE = reverse("traffic:usage")


def ordered_long_ago(service: Service, days: int = 400) -> Service:
    """As if the service had been ordered and set up ``days`` ago (figures count from its
    activation on)."""
    long_ago = timezone.now() - datetime.timedelta(days=days)
    Service.objects.filter(pk=service.pk).update(created_at=long_ago)
    activated(service, long_ago)
    service.refresh_from_db()
    return service


def activated(service: Service, when: datetime.datetime) -> ServiceStatusChange:
    """The history's record of the service becoming active at ``when`` (set up, paid)."""
    return ServiceStatusChange.objects.create(
        service=service,
        from_status=ServiceStatus.PENDING,
        to_status=ServiceStatus.ACTIVE,
        reason=StatusReason.PROVISIONED,
        at=when,
    )


@pytest.fixture
def service(customer) -> Service:
    ensure_catalogue()
    return ordered_long_ago(make_service(customer, domain="ada-site.com"))


@pytest.fixture
def measured(service) -> Service:
    """Two days of figures for ada-site.com (yesterday and today) and one for www."""
    today = queries.today()
    a_day("ada-site.com", today)
    a_day("ada-site.com", today - datetime.timedelta(days=1))
    an_hour("www.ada-site.com", at(today, 1), hits=10)
    an_hour("notada-site.com", at(today, 1), hits=1000)
    return service


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def detail(service: Service) -> str:
    return reverse("traffic:service_usage", args=[service.reference])


def test_the_usage_page_lists_each_service_with_its_last_30_days(customer_client, measured):
    page = page_of(customer_client.get(USAGE))
    assert f'<a href="{detail(measured)}">{measured.plan.name}</a>' in page
    assert "ada-site.com" in page
    assert "130" in page  # requests: 2 days of 60 and 10 on www
    assert "130 kB" in page  # data sent: 2 days of 60 kB and 10 kB on www


def test_a_service_without_figures_says_nothing_was_measured(customer_client, service):
    assert "Nothing measured yet" in page_of(customer_client.get(USAGE))


def test_without_a_service_with_a_domain_the_page_says_so(customer_client, customer):
    ensure_catalogue()
    make_service(customer, domain="")
    page = page_of(customer_client.get(USAGE))
    assert "None of your services has a domain yet" in page


def test_a_services_usage_by_day_and_by_month(customer_client, measured):
    page = page_of(customer_client.get(detail(measured)))
    today = queries.today()
    assert "Usage of ada-site.com" in page
    assert "The last 30 days" in page
    assert "The last 12 months" in page
    assert page.count('role="img"') == 4
    assert f'<time datetime="{today:%Y-%m-%d}">' in page
    assert f'<time datetime="{today:%Y-%m}">' in page
    assert "Processing power" in page
    assert "not reported" in page
    assert "style=" not in page


def test_the_month_is_measured_against_the_plans_allowance(customer_client, measured):
    page = page_of(customer_client.get(detail(measured)))
    assert "Your plan's data transfer is not metered." in page
    HostingPlan.objects.filter(pk=measured.plan_id).update(bandwidth_mb=1)
    page = page_of(customer_client.get(detail(measured)))
    today = queries.today()
    this_month = 130 if (today - datetime.timedelta(days=1)).month == today.month else 70
    share = f"{this_month / 10:.3g}%"
    assert f'{this_month} kB<span class="muted"> of 1 MB ({share})</span>' in page
    assert "not metered" not in page


def test_figures_from_before_the_service_became_active_are_not_shown(customer_client, customer):
    ensure_catalogue()
    service = make_service(customer, domain="ada-site.com")
    Service.objects.filter(pk=service.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5)  # ordered 5 days ago
    )
    activated(service, at(queries.today(), 0))  # and set up today
    an_hour("ada-site.com", at(queries.today() - datetime.timedelta(days=3)), hits=777)
    an_hour("ada-site.com", at(queries.today(), 0), hits=5)
    page = page_of(customer_client.get(detail(service)))
    assert "777" not in page
    site = sites().site_of(customer.customer.number, service.reference)
    usage = queries.usage(site, queries.last_days(queries.today(), 30))
    assert usage.total.hits == 5


def test_figures_from_after_the_service_ended_are_not_shown(customer_client, measured):
    yesterday = queries.today() - datetime.timedelta(days=1)
    Service.objects.filter(pk=measured.pk).update(status=ServiceStatus.TERMINATED)
    ServiceStatusChange.objects.create(
        service=measured,
        from_status=ServiceStatus.ACTIVE,
        to_status=ServiceStatus.CANCELLED,
        reason=StatusReason.CUSTOMER_CANCELLED,
        at=at(yesterday, 8),
    )
    page = page_of(customer_client.get(detail(measured)))
    assert "60 kB" in page  # yesterday's figures
    assert "130 kB" not in page  # today's are the domain's next owner's
    assert "(ended)" in page_of(customer_client.get(USAGE))


def test_a_service_of_another_account_is_not_found(outsider_client, measured):
    assert outsider_client.get(detail(measured)).status_code == 404
    page = page_of(outsider_client.get(USAGE))
    assert "ada-site.com" not in page


def test_an_authorised_user_needs_the_services_permission(teammate_client, customer, measured):
    assert teammate_client.get(USAGE).status_code == 403
    assert teammate_client.get(detail(measured)).status_code == 403
    allowed = add_authorised_user(
        customer, username="svc", email="svc@example.com", permissions=[Permission.SERVICES]
    )
    client = sign_in(Client(), allowed.user)
    assert "ada-site.com" in page_of(client.get(detail(measured)))


def test_staff_and_visitors_are_kept_out(staff_client, measured):
    client = staff_client(StaffRole.MARKETING)
    for url in (USAGE, detail(measured)):
        assert client.get(url).status_code == 404
        response = Client().get(url)
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_has_usage_for_those_who_may_see_services(customer_client, teammate_client):
    link = f'<a href="{USAGE}" aria-current="page">Usage</a>'
    assert link in page_of(customer_client.get(USAGE))
    dashboard = teammate_client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{USAGE}"' not in dashboard


def test_the_service_page_shows_the_last_30_days_and_links_to_the_usage(customer_client, measured):
    hooks.register()  # as the app's ready does
    page = page_of(customer_client.get(reverse("hosting:service", args=[measured.reference])))
    assert "Usage in the last 30 days" in page
    assert "130 kB" in page
    assert f'href="{detail(measured)}"' in page


def test_a_service_without_a_domain_has_no_usage_section(customer_client, customer):
    hooks.register()
    ensure_catalogue()
    service = make_service(customer, domain="")
    page = page_of(customer_client.get(reverse("hosting:service", args=[service.reference])))
    assert "Usage in the last" not in page
