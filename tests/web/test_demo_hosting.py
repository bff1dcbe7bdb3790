"""The demo's hosting: services in every status, domains with distinct contacts, and the test
registrar holding exactly the domains the demo registered."""

from __future__ import annotations

import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command

from clientvault.hosting.models import Domain, DomainStatus, Service, ServiceStatus

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def loaded(settings, tmp_path):
    settings.DEBUG = True
    settings.TEST_GATEWAY_STATE = tmp_path / "testgateway.sqlite3"
    call_command("demo", stdout=StringIO())


def test_there_is_a_service_in_every_status(loaded):
    assert set(Service.objects.values_list("status", flat=True)) == set(ServiceStatus.values)


def test_every_subscription_has_its_service(loaded):
    from clientvault.billing.models import Subscription

    assert not Subscription.objects.filter(service__isnull=True).exists()


def test_a_domain_has_four_contacts_of_three_people(loaded):
    orbit = Domain.objects.get(name="orbit-analytics.eu")
    assert orbit.status == DomainStatus.ACTIVE
    subjects = {orbit.contact_for(role).subject_id for role in ("registrant", "admin", "tech")}
    assert len(subjects) == 3
    assert orbit.billing_id == orbit.admin_id


def test_the_registrar_holds_the_registered_domains_only(loaded, settings):
    with sqlite3.connect(settings.TEST_REGISTRAR_STATE) as db:
        held = {row[0] for row in db.execute("SELECT name FROM domains WHERE status = 'active'")}
    active = set(Domain.objects.filter(status=DomainStatus.ACTIVE).values_list("name", flat=True))
    assert held == active


def test_the_failed_transfer_says_why(loaded):
    failed = Domain.objects.get(status=DomainStatus.FAILED)
    assert "expired" in failed.status_reason.lower()


def test_loading_again_changes_nothing(loaded):
    before = (Service.objects.count(), Domain.objects.count())
    call_command("demo", stdout=StringIO())
    assert (Service.objects.count(), Domain.objects.count()) == before
