"""A customer who said yes to news and offers at signup changes their mind in the customer area,
as the signup form promises ("you can change your mind at any time")."""

import pytest
from django.urls import reverse

from clientvault.privacy.services.consent import current_consent, grant_consent
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    PHONE_TABLES,
    overflow_on_phone,
    sign_in_with_browser,
    submit,
    unlabelled_tables_on_phone,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_a_customer_withdraws_marketing_and_sees_the_change_with_its_date(page, customer, shot):
    grant_consent(subject=customer.subject, purpose="marketing", source="form", actor=None)
    sign_in_with_browser(page, "ada", PASSWORD)
    page.goto(reverse("accounts:dashboard"))
    page.get_by_role("link", name="Change your choices").click()
    page.wait_for_url(f"**{reverse('accounts:choices')}")
    assert page.get_by_role("heading", level=1, name="Your choices").is_visible()
    box = page.get_by_label("News and offers by e-mail", exact=True)
    assert box.is_checked()
    box.uncheck()
    submit(page, "Save your choices")
    page.wait_for_load_state()
    assert "Saved: news and offers by e-mail." in page.locator(".messages").inner_text()
    assert not page.get_by_label("News and offers by e-mail", exact=True).is_checked()
    standing = page.locator("dl.facts").inner_text()
    assert "No, since" in standing
    assert page.locator("table.history tbody tr").count() == 2  # the yes at signup, the no now
    assert not current_consent(subject=customer.subject, purpose="marketing")
    assert overflow_on_phone(page) == []
    assert unlabelled_tables_on_phone(page) == [], PHONE_TABLES
    shot(page, "choices")
