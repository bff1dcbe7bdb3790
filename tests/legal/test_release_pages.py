import pytest
from django.test import Client
from django.urls import reverse

from clientvault.legal.models import Release, ReleaseStatus, Status
from clientvault.privacy.models import Disclosure
from tests.accounts.personas import sign_in_staff
from tests.legal.helpers import a_customer, a_demand, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _as(user):
    return sign_in_staff(Client(), user)


def test_review_prepare_approve_through_the_pages_with_four_eyes():
    a, b = legal_team()
    person = a_customer()
    demand = a_demand(person, a, review=False)
    client_a, client_b = _as(a), _as(b)
    client_a.post(reverse("legal:staff_demand_review", args=[demand.pk]))
    demand.refresh_from_db()
    assert demand.status == Status.UNDER_REVIEW
    field = f"s_{person.subject_id.hex}"
    prepare = reverse("legal:staff_release_prepare", args=[demand.pk])
    assert client_a.get(prepare).status_code == 200
    response = client_a.post(prepare, {field: ["user.name"]})
    release = Release.objects.get()
    assert response["Location"] == reverse("legal:staff_release", args=[release.pk])
    page = client_a.get(response["Location"]).content.decode()
    assert "You prepared this release" in page
    approve = reverse("legal:staff_release_approve", args=[release.pk])
    refused = client_a.post(approve, follow=True).content.decode()
    assert "may not approve it" in refused
    assert not Disclosure.objects.exists()
    page = client_b.post(approve, follow=True).content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED
    assert "Shown once" in page
    assert "/legal/packages/" in page
    again = client_b.get(reverse("legal:staff_release", args=[release.pk])).content.decode()
    assert "/legal/packages/" not in again  # shown once


def test_the_package_link_leaves_the_session_on_its_first_display():
    from clientvault.legal.views.staff import LINK_KEY
    from tests.legal.helpers import a_prepared_release

    a, b = legal_team()
    release = a_prepared_release(a_customer(), a)
    from tests.accounts.personas import OUTSIDER_DETAILS, open_test_account

    otto = open_test_account(username="otto.m", details=OUTSIDER_DETAILS)
    other = a_prepared_release(otto, a, their_reference="1:26-mj-00077")
    client_b = _as(b)
    client_b.post(reverse("legal:staff_release_approve", args=[release.pk]))
    assert LINK_KEY in client_b.session  # for the one redirect
    client_b.get(reverse("legal:staff_release", args=[other.pk]))  # the redirect never followed
    assert not any(key.startswith(LINK_KEY) for key in client_b.session.keys())  # noqa: SIM118
    page = client_b.get(reverse("legal:staff_release", args=[release.pk])).content.decode()
    assert "/legal/packages/" not in page
