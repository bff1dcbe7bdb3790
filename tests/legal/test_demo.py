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
    report = TransparencyReport.objects.get(period="2026H2")
    assert report.published_at is not None
    assert "exists already" in seed_legal_demo(subjects=subjects, staff_legal_a=a, staff_legal_b=b)
