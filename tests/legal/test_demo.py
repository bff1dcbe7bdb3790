import datetime

import pytest

from clientvault.legal.demo import seed_legal_demo
from clientvault.legal.models import Demand, Status, TransparencyReport
from clientvault.privacy.models import Disclosure, Hold
from tests.accounts.personas import OUTSIDER_DETAILS, open_test_account
from tests.legal.helpers import a_customer, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_demo_seeds_each_kind_of_case_once():
    a, b = legal_team()
    ada = a_customer()
    otto = open_test_account(username="otto.m", details=OUTSIDER_DETAILS)
    subjects = [ada.subject_id, otto.subject_id]
    summary = seed_legal_demo(subjects=subjects, staff_legal_a=a, staff_legal_b=b)
    assert "transparency report" in summary
    statuses = sorted(Demand.objects.values_list("status", flat=True))
    assert statuses == [
        Status.FULLY_COMPLIED,
        Status.FULLY_COMPLIED,
        Status.REFUSED,
        "under_review",
    ]
    assert Disclosure.objects.filter(notice_deferred_until__isnull=False).count() == 1
    assert Disclosure.objects.count() == 2
    assert Hold.objects.filter(subject_id=otto.subject_id).count() == 1
    (published,) = TransparencyReport.objects.filter(published_at__isnull=False)
    assert published.period in summary
    assert "exists already" in seed_legal_demo(subjects=subjects, staff_legal_a=a, staff_legal_b=b)


@pytest.mark.parametrize(
    ("today", "published", "preview"),
    [
        (datetime.date(2026, 12, 6), "2026H1", "2026H2"),
        (datetime.date(2027, 1, 15), "2026H2", "2027H1"),
        (datetime.date(2027, 1, 2), "2026H2", None),  # received on 30 December: ended
    ],
)
def test_the_demo_publishes_only_a_half_year_that_has_ended(monkeypatch, today, published, preview):
    from clientvault.legal import demo
    from clientvault.legal.services import transparency

    monkeypatch.setattr(demo.timezone, "localdate", lambda: today)
    monkeypatch.setattr(transparency.timezone, "localdate", lambda: today)
    a, _ = legal_team()
    assert demo._reports(a) == published
    reports = dict(TransparencyReport.objects.values_list("period", "published_at"))
    assert reports.pop(published) is not None
    assert reports == ({preview: None} if preview else {})
