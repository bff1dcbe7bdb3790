"""The four-eyes release in the browser: a member of the legal team records a demand and
prepares the release, cannot approve it themselves, a second member approves it and gets the
link once, and the authority's link downloads the package. Every legal page passes axe-core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from clientvault.legal.models import Demand, Release, ReleaseStatus
from clientvault.privacy.models import Disclosure
from tests.e2e.support import (
    looks_right,
    sign_in_staff_with_browser,
    submit,
)
from tests.legal.helpers import a_customer, legal_team

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def send(page: Any, name: str) -> None:
    with page.expect_navigation():
        submit(page, name)


def record_demand(page: Any, account: str) -> Demand:
    page.goto(reverse("legal:staff_demand_new"))
    looks_right(page, "the new demand form")
    page.get_by_label("Authority", exact=True).fill("Metropolitan Police")
    page.get_by_label("Jurisdiction", exact=True).fill("GB")
    page.get_by_label("Due on", exact=True).fill("2030-01-31")
    page.get_by_label("People named", exact=True).fill(account)
    page.get_by_label("Name (user.name)", exact=True).check()
    page.get_by_label("E-mail address (user.contact.email)", exact=True).check()
    send(page, "Record the demand")
    assert "without the authority" in page.locator("main").inner_text()
    looks_right(page, "the new demand form with its errors")
    page.get_by_label("Their reference", exact=True).fill("MP-2026-77")
    send(page, "Record the demand")
    page.wait_for_url("**/staff/legal/demands/*/")
    return Demand.objects.get()


def test_four_eyes_release_and_the_authoritys_download(page: Any, tmp_path: Path) -> None:
    a, b = legal_team()
    person = a_customer()
    sign_in_staff_with_browser(page, a)

    demand = record_demand(page, person.customer.number)
    looks_right(page, "a demand, received")
    send(page, "Start the review")
    looks_right(page, "a demand under review")
    page.get_by_role("link", name="Prepare a release").click()
    page.wait_for_url(f"**{reverse('legal:staff_release_prepare', args=[demand.pk])}")
    looks_right(page, "the release form")
    send(page, "Prepare the release")
    page.wait_for_url("**/staff/legal/releases/*/")
    release = Release.objects.get()
    assert "You prepared this release" in page.locator("main").inner_text()
    looks_right(page, "a prepared release")

    send(page, "Approve and release")
    assert "may not approve it" in page.content()
    assert not Disclosure.objects.exists()

    page.goto(reverse("legal:staff_demands"))
    looks_right(page, "the register")

    sign_in_staff_with_browser(page, b)
    page.goto(reverse("legal:staff_release", args=[release.pk]))
    assert "Approval by a second person" in page.locator("main").inner_text()
    send(page, "Approve and release")
    link = page.locator("#package-link").inner_text()
    looks_right(page, "an approved release with its link")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED
    assert Disclosure.objects.get().subject_id == person.subject_id
    page.reload()
    assert page.locator("#package-link").count() == 0  # shown once

    page.context.clear_cookies()
    page.goto("/" + link.split("//", 1)[1].split("/", 1)[1])
    looks_right(page, "the authority's download page")
    with page.expect_download() as caught:
        page.get_by_role("link", name=f"JSON for {person.subject.reference}").click()
    document = json.loads(Path(caught.value.path()).read_text())
    assert {c["key"] for c in document["categories"]} <= {"user.name", "user.contact.email"}

    page.goto(reverse("legal:package", args=[release.pk, "not-the-secret"]))
    assert "This link has expired" in page.locator("main").inner_text()
    looks_right(page, "an expired link")
    page.goto(reverse("legal:transparency"))
    looks_right(page, "the transparency page")
