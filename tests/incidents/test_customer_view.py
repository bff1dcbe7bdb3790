# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The customer sees the breach notices addressed to them; nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.incidents.models import ScopeKind
from clientvault.incidents.services.incidents import close_incident, record_decision
from clientvault.incidents.services.notices import prepare_call_list, send_email_notices
from clientvault.incidents.services.scope import ScopeAsk, scope_incident
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    make_staff,
    outsider,
    outsider_client,
    staff,
    staff_client,
)
from tests.incidents.helpers import compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
PAGE = reverse("incidents:security_notices")


@pytest.fixture
def notified(customer):
    handler = make_staff("privacy_officer", username="handler")
    incident = scoped(handler, compromised([customer]))
    send_email_notices(incident=incident, actor=handler)
    return incident


def test_the_customer_sees_their_notice(customer_client, notified):
    page = customer_client.get(PAGE).content.decode()
    assert notified.reference in page
    assert notified.description in page
    assert "Telephone number" in page
    assert notified.advice in page


def test_the_dashboard_lists_it(customer_client, notified):
    page = customer_client.get(reverse("accounts:dashboard")).content.decode()
    assert f"Security notice ({notified.reference})" in page


def test_an_outsider_sees_no_one_elses_notice(outsider_client, notified):
    page = outsider_client.get(PAGE).content.decode()
    assert notified.reference not in page
    assert "No security incident has involved your data." in page


def test_nothing_shows_before_the_notices_go(customer_client, customer):
    incident = scoped(make_staff("legal", username="handler"), compromised([customer]))
    assert incident.reference not in customer_client.get(PAGE).content.decode()


def test_staff_get_404(staff_client):
    assert staff_client("privacy_officer").get(PAGE).status_code == 404


def test_a_false_alarm_closed_from_scoped_shows_nothing(customer_client, customer):
    handler = make_staff("legal", username="handler")
    incident = scoped(handler, compromised([customer]))
    record_decision(incident=incident, decision="not_notify", reason="Harmless.", actor=handler)
    close_incident(incident=incident, actor=handler)
    assert incident.reference not in customer_client.get(PAGE).content.decode()


def test_a_person_added_by_a_rescope_sees_it_only_once_told(
    customer, outsider, outsider_client, notified
):
    handler = make_staff("legal", username="handler2")
    since = timezone.now() - dt.timedelta(hours=1)
    login = compromised([outsider], username="mallory2")
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=since, login=login.username)
    scope_incident(incident=notified, ask=ask, actor=handler)
    assert notified.reference not in outsider_client.get(PAGE).content.decode()
    dashboard = reverse("accounts:dashboard")
    assert notified.reference not in outsider_client.get(dashboard).content.decode()
    send_email_notices(incident=notified, actor=handler)
    assert notified.reference in outsider_client.get(PAGE).content.decode()
    assert notified.reference in outsider_client.get(dashboard).content.decode()


def test_a_call_not_yet_made_shows_nothing(customer_client, customer):
    handler = make_staff("legal", username="handler")
    incident = scoped(handler, compromised([customer]))
    prepare_call_list(incident=incident, actor=handler)
    assert incident.reference not in customer_client.get(PAGE).content.decode()
    dashboard = reverse("accounts:dashboard")
    assert incident.reference not in customer_client.get(dashboard).content.decode()
