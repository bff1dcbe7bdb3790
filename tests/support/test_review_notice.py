# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and forum_fixtures)
"""The include other pages show beside a communication: support/review/_notice.html."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string

from clientvault.accounts.models import StaffRole
from clientvault.support.models import ReviewAction, TicketMessage
from clientvault.support.queries import read_messages
from clientvault.support.services.review import review_message
from tests.accounts.personas import customer, staff  # noqa: F401
from tests.support.forum_fixtures import an_abuse_message

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
INCLUDE = "support/review/_notice.html"


@dataclass
class Wrapped:
    message: TicketMessage


def test_it_says_nothing_while_the_message_is_shown(customer):
    message = an_abuse_message(customer)
    assert render_to_string(INCLUDE, {"item": message}).strip() == ""
    assert render_to_string(INCLUDE, {"item": None}).strip() == ""


def test_it_tells_the_author_the_ground_and_date(customer, staff):
    message = an_abuse_message(customer)
    review = review_message(
        target=message,
        action=ReviewAction.HIDDEN,
        ground="malware",
        reviewer=staff(StaffRole.SUPPORT),
    )
    shown = read_messages(message.ticket, actor=customer.user, purpose="support", internal=False)[0]
    day = f"{review.at.day} {review.at:%B} {review.at.year}"
    expected = (
        '<p class="notice" role="note">Hidden for breaking the acceptable-use policy '
        f"(malicious software or links to it), on {day}.</p>"
    )
    assert render_to_string(INCLUDE, {"item": shown}).strip() == expected
    fresh = TicketMessage.objects.get(pk=message.pk)
    assert render_to_string(INCLUDE, {"item": Wrapped(fresh)}).strip() == expected
