import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.legal.models import Release, ReleaseStatus
from clientvault.privacy.models import AuditEvent
from tests.legal.helpers import a_customer, an_approved_release, legal_team

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_link_lists_the_packages_and_downloads_each():
    a, b = legal_team()
    person = a_customer()
    release, secret = an_approved_release(person, a, b)
    url = reverse("legal:package", args=[release.pk, secret])
    page = Client().get(url)
    assert page.status_code == 200
    assert person.subject.reference in page.content.decode()
    package = release.packages.get()
    response = Client().get(url, {"package": str(package.pk), "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert {c["key"] for c in document["categories"]} <= {"user.name", "user.contact.email"}
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DELIVERED
    assert AuditEvent.objects.filter(action="legal.package_downloaded").count() == 1


def test_a_wrong_secret_or_an_expired_link_says_the_link_expired():
    a, b = legal_team()
    release, secret = an_approved_release(a_customer(), a, b)
    wrong = Client().get(reverse("legal:package", args=[release.pk, "not-the-secret"]))
    assert wrong.status_code == 404
    assert "This link has expired" in wrong.content.decode()
    Release.objects.filter(pk=release.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    lapsed = Client().get(reverse("legal:package", args=[release.pk, secret]))
    assert lapsed.status_code == 404


def test_a_release_not_yet_approved_has_no_link():
    from tests.legal.helpers import a_prepared_release

    a, _ = legal_team()
    release = a_prepared_release(a_customer(), a)
    assert Client().get(reverse("legal:package", args=[release.pk, "x"])).status_code == 404
