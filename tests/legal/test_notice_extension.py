"""A court extends its order forbidding notice: the demand and its disclosures wait longer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.legal.models import Demand, DemandType
from clientvault.legal.services.notices import extend_notice_deferral
from clientvault.legal.services.reminders import lapsing_notices
from clientvault.privacy.models import AuditEvent, Disclosure
from tests.accounts.personas import sign_in_staff
from tests.legal.helpers import a_customer, a_demand, an_approved_release, legal_team, refusals

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _ordered(days: int = 10):
    a, b = legal_team()
    until = timezone.localdate() + datetime.timedelta(days=days)
    release, _ = an_approved_release(a_customer(), a, b, notice_forbidden_until=until)
    return a, release.demand


def test_an_extended_order_moves_the_demand_and_its_disclosures():
    a, demand = _ordered()
    later = timezone.localdate() + datetime.timedelta(days=120)
    assert list(lapsing_notices(timezone.localdate())) == [demand]
    extend_notice_deferral(demand=demand, until=later, actor=a)
    demand.refresh_from_db()
    assert demand.notice_forbidden_until == later
    assert Disclosure.objects.get().notice_deferred_until == later
    assert not lapsing_notices(timezone.localdate()).exists()  # no reminder now
    assert AuditEvent.objects.filter(action="legal.notice_extended").count() == 1
    assert AuditEvent.objects.filter(action="disclosure.notice_deferred").count() == 1


def test_a_past_date_is_an_audited_refusal_and_changes_nothing():
    a, demand = _ordered()
    before = demand.notice_forbidden_until
    past = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the past"):
        extend_notice_deferral(demand=demand, until=past, actor=a)
    assert refusals("notice_deferral") == 1
    assert Demand.objects.get(pk=demand.pk).notice_forbidden_until == before
    assert Disclosure.objects.get().notice_deferred_until == before


def test_only_legal_process_has_an_order_to_extend():
    a, _ = legal_team()
    demand = a_demand(a_customer(), a, demand_type=DemandType.EMERGENCY)
    later = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match="court's order"):
        extend_notice_deferral(demand=demand, until=later, actor=a)
    assert refusals("notice_order_needs_legal_process") == 1


def test_the_demand_page_records_the_new_date():
    a, demand = _ordered()
    client = sign_in_staff(Client(), a)
    page = client.get(reverse("legal:staff_demand", args=[demand.pk])).content.decode()
    assert "Order extended: notice forbidden until" in page
    later = timezone.localdate() + datetime.timedelta(days=90)
    url = reverse("legal:staff_demand_notice", args=[demand.pk])
    answer = client.post(url, {"notice-until": later.isoformat()}, follow=True)
    assert "notice waits for it" in answer.content.decode()
    assert Disclosure.objects.get().notice_deferred_until == later
    refused = client.post(url, {"notice-until": "2000-01-01"}, follow=True).content.decode()
    assert "in the past" in refused
    assert Disclosure.objects.get().notice_deferred_until == later
