# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and forum_fixtures)
"""Acceptable-use review's pages (REV-1): reviewers only (others get the reason), a queue of
reports and abuse messages without their text, a ticket message read through reveal (audited),
each review recorded and shown to the author."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import Department, Flag, Review, TicketMessage, Visibility
from clientvault.support.services.review import flag_post
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    outsider_client,
    staff,
    staff_client,
)
from tests.support.forum_fixtures import (  # noqa: F401
    a_reply,
    an_abuse_message,
    category,
    thread,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ABUSE_TEXT = "The site at shop.example sends me spam every day."


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def reply(thread, outsider):
    return a_reply(outsider, thread, "Cheap watches at spam.example")


def test_review_by_a_non_reviewer_is_refused_with_the_reason(staff_client, reply):
    client = staff_client(StaffRole.BILLING)
    for url in (
        reverse("support:review_queue"),
        reverse("support:review_post", args=[reply.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "names as reviewers (support, administrator); your roles: billing" in text_of(
            response
        )
    sent = client.post(
        reverse("support:review_post", args=[reply.pk]), {"action": "hidden", "ground": "spam"}
    )
    assert sent.status_code == 403
    assert not Review.objects.exists()


def test_customers_get_404_on_review_pages(customer_client, reply):
    assert customer_client.get(reverse("support:review_queue")).status_code == 404


def test_the_queue_lists_reports_and_abuse_messages_without_their_text(
    staff_client, reply, customer
):
    flag_post(post=reply, ground="spam", flagged_by=customer.user)
    message = an_abuse_message(customer, ABUSE_TEXT)
    page = text_of(staff_client(StaffRole.SUPPORT).get(reverse("support:review_queue")))
    assert reverse("support:review_post", args=[reply.pk]) in page
    assert reverse("support:review_message", args=[message.pk]) in page
    assert message.ticket.number in page
    assert ABUSE_TEXT not in page
    assert "a member" in page
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_review_recorded_audited_and_visible_to_the_author(
    staff_client, reply, customer, outsider_client
):
    flag_post(post=reply, ground="spam", flagged_by=customer.user)
    client = staff_client(StaffRole.SUPPORT)
    url = reverse("support:review_post", args=[reply.pk])
    page = text_of(client.get(url))
    assert "Cheap watches at spam.example" in page
    assert "Otto M." in page
    refused = client.post(url, {"action": "hidden"})
    assert "Choose the ground of your decision." in text_of(refused)
    response = client.post(url, {"action": "hidden", "ground": "spam"})
    assert response.status_code == 302
    assert response["Location"] == reverse("support:review_queue")
    review = Review.objects.get()
    assert (review.post, review.action, review.ground) == (reply, "hidden", "spam")
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="support.reviewed")
    assert event.details == {"target": "post", "ground": "spam", "action": "hidden"}
    thread_page = text_of(outsider_client.get(reverse("support:thread", args=[reply.thread_id])))
    said = "Hidden for breaking the acceptable-use policy (unsolicited bulk or commercial messages)"
    assert f"{said}, on " in thread_page


def test_a_ticket_message_is_read_through_reveal_each_read_audited(staff_client, customer):
    message = an_abuse_message(customer, ABUSE_TEXT)
    client = staff_client(StaffRole.SUPPORT)
    url = reverse("support:review_message", args=[message.pk])
    assert ABUSE_TEXT in text_of(client.get(url))
    assert ABUSE_TEXT in text_of(client.get(url))
    reads = AuditEvent.objects.filter(action="reveal", object_id=str(message.pk))
    assert reads.count() == 2
    assert set(reads.values_list("purpose", flat=True)) == {"support"}
    page = text_of(client.get(url))
    assert "block its author" not in page  # blocking is for forum members
    client.post(url, {"action": "deleted", "ground": "harassment"})
    message = TicketMessage.objects.get(pk=message.pk)
    assert message.visibility == Visibility.DELETED
    after = text_of(client.get(url))
    assert ABUSE_TEXT not in after
    assert "Removed for breaking the acceptable-use policy (harassment, threats or hate)" in after


def test_any_staff_member_reports_a_ticket_message(staff_client, customer):
    message = an_abuse_message(customer, ABUSE_TEXT)
    client = staff_client(StaffRole.BILLING)
    url = reverse("support:flag_message", args=[message.pk])
    page = text_of(client.get(url))
    assert message.ticket.number in page
    assert ABUSE_TEXT not in page
    response = client.post(url, {"ground": "spam", "next": "https://elsewhere.example/"})
    assert response.status_code == 302
    assert response["Location"] == url  # not to another site
    flag = Flag.objects.get()
    assert (flag.message, flag.ground) == (message, "spam")


def test_a_message_of_a_department_the_reviewer_may_not_read_is_refused(staff_client, customer):
    message = an_abuse_message(customer, ABUSE_TEXT)
    message.ticket.department = Department.BILLING
    message.ticket.save()
    response = staff_client(StaffRole.SUPPORT).get(
        reverse("support:review_message", args=[message.pk])
    )
    assert response.status_code == 403
    assert "messages of the Billing department" in text_of(response)
    assert ABUSE_TEXT not in text_of(response)
    assert AuditEvent.objects.filter(action="reveal.denied").exists()
