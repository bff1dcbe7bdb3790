# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The regulator notification draft holds the Art. 33(3) contents."""

from __future__ import annotations

import pytest

from clientvault.incidents.services.draft import regulator_draft
from clientvault.privacy.profile import current_profile
from tests.accounts.personas import customer, make_staff, outsider  # noqa: F401
from tests.incidents.helpers import compromised, scoped

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_the_draft_says_what_article_33_asks(customer, outsider):
    handler = make_staff("privacy_officer", username="handler")
    incident = scoped(handler, compromised([customer, outsider]))
    text = regulator_draft(incident)
    profile = current_profile()

    assert incident.reference in text
    assert "A support login was used from an unknown device." in text  # (a) nature
    assert "People concerned (approximately): 2" in text
    assert "Records concerned (approximately): 2 access-log entries" in text
    assert "  - Telephone number: 2" in text  # categories with numbers
    assert profile.privacy_contact in text  # (b) contact point
    assert "Phishing aimed at the people affected." in text  # (c) consequences
    assert "The login was disabled and its sessions ended." in text  # (d) measures
    assert profile.breach.regulator in text
    assert "Reasons for the delay" not in text
    assert "Ada" not in text  # no one's name


def test_the_draft_asks_for_the_reasons_of_a_late_notification():
    handler = make_staff("privacy_officer", username="handler")
    from tests.incidents.helpers import an_incident

    text = regulator_draft(an_incident(handler, discovered_hours_ago=80))
    assert "Reasons for the delay (Art. 33(1))" in text
    assert "none established yet" in text
