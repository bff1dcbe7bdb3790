"""What anyone sees before signing in: the home page, the privacy policy, the health check."""

import json

import pytest

from tests.e2e.support import overflow_on_phone

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_the_home_page_leads_to_the_privacy_policy_on_a_phone(page, shot):
    page.goto("/")
    assert page.title().endswith("· clientvault")
    assert overflow_on_phone(page) == []
    shot(page, "home")
    page.get_by_role("link", name="Read our privacy policy").click()
    page.wait_for_url("**/privacy")
    assert page.get_by_role("heading", level=1, name="Privacy policy").is_visible()
    assert overflow_on_phone(page) == []
    shot(page, "privacy")


def test_the_health_check_answers_json(page):
    response = page.goto("/healthz")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(page.inner_text("body"))["status"] == "ok"
