"""The customer sees a disclosure under "who received my data" only once a deferred notice's
date has come."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.privacy.models import Disclosure
from clientvault.privacy.services.disclosures import disclosures_visible_to
from tests.legal.helpers import a_customer, an_approved_release, legal_team
from tests.rights.helpers import confirmed_client

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_a_deferred_notice_hides_the_disclosure_until_the_orders_date():
    a, b = legal_team()
    person = a_customer()
    until = timezone.localdate() + datetime.timedelta(days=30)
    an_approved_release(person, a, b, notice_forbidden_until=until)
    disclosure = Disclosure.objects.get()
    assert disclosure.notice_deferred_until == until
    today = timezone.localdate()
    assert disclosures_visible_to(subject=person.subject, today=today) == []
    assert disclosures_visible_to(subject=person.subject, today=until) == [disclosure]


def test_the_customers_privacy_page_shows_it_only_after_the_date():
    a, b = legal_team()
    person = a_customer()
    until = timezone.localdate() + datetime.timedelta(days=30)
    an_approved_release(person, a, b, notice_forbidden_until=until)
    page = confirmed_client(person).get(reverse("rights:privacy"))
    assert "District Court of Columbia" not in page.content.decode()
    Disclosure.objects.update(notice_deferred_until=timezone.localdate())
    page = confirmed_client(person).get(reverse("rights:privacy"))
    assert "District Court of Columbia" in page.content.decode()


def test_without_an_order_the_customer_sees_it_at_once():
    a, b = legal_team()
    person = a_customer()
    an_approved_release(person, a, b)
    page = confirmed_client(person).get(reverse("rights:privacy"))
    assert "District Court of Columbia" in page.content.decode()
