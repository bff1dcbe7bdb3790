# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and forum_fixtures)
"""Acceptable-use review (REV-1): only reviewers act, always on a ground from the profile's list;
each review is recorded, resolves the flags, is audited with codes only and told to the author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import (
    Department,
    Flag,
    PostingBlock,
    Review,
    ReviewAction,
    Thread,
    TicketMessage,
    Visibility,
)
from clientvault.support.services.forum import post_reply
from clientvault.support.services.review import (
    flag_message,
    flag_post,
    is_reviewer,
    removal_notice,
    review_message,
    review_post,
)
from tests.accounts.personas import customer, outsider, staff  # noqa: F401
from tests.support.forum_fixtures import (  # noqa: F401
    a_reply,
    an_abuse_message,
    category,
    opening,
    thread,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def reviewer(staff):
    return staff(StaffRole.SUPPORT)  # a reviewer in the need-to-know preset


@pytest.fixture
def reply(thread, outsider):
    return a_reply(outsider, thread, "Buy cheap watches at spam.example")


def test_only_the_profiles_reviewer_roles_review(staff, reply, settings):
    assert is_reviewer(staff(StaffRole.SUPPORT))
    assert is_reviewer(staff(StaffRole.ADMINISTRATOR))
    billing = staff(StaffRole.BILLING)
    assert not is_reviewer(billing)
    with pytest.raises(PermissionDenied) as refused:
        review_post(target=reply, action=ReviewAction.HIDDEN, ground="spam", reviewer=billing)
    assert "reviewers (support, administrator)" in str(refused.value)
    assert "your roles: billing" in str(refused.value)
    assert not Review.objects.exists()
    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE


def test_review_by_a_customer_is_refused(customer, reply):
    with pytest.raises(PermissionDenied):
        review_post(target=reply, action=ReviewAction.HIDDEN, ground="spam", reviewer=customer.user)


def test_it_refuses_a_ground_outside_the_profiles_list(reviewer, reply):
    with pytest.raises(ValidationError) as refused:
        review_post(target=reply, action=ReviewAction.HIDDEN, ground="rudeness", reviewer=reviewer)
    assert list(refused.value.error_dict) == ["ground"]
    with pytest.raises(ValidationError) as refused:
        review_post(target=reply, action="burn", ground="spam", reviewer=reviewer)
    assert list(refused.value.error_dict) == ["action"]
    assert not Review.objects.exists()


def test_a_review_is_recorded_audited_and_resolves_the_flags(reviewer, reply, customer):
    flag = flag_post(post=reply, ground="spam", flagged_by=customer.user)
    review = review_post(target=reply, action=ReviewAction.HIDDEN, ground="spam", reviewer=reviewer)
    reply.refresh_from_db()
    assert reply.visibility == Visibility.HIDDEN
    assert reply.body.startswith("Buy cheap")  # kept for its author to read
    assert (review.post, review.action, review.ground, review.reviewer) == (
        reply,
        "hidden",
        "spam",
        reviewer,
    )
    flag.refresh_from_db()
    assert flag.resolved_at == review.at
    event = AuditEvent.objects.get(action="support.reviewed")
    assert event.details == {"target": "post", "ground": "spam", "action": "hidden"}
    assert event.subject_id == reply.author.subject_id
    assert event.actor_id == f"user:{reviewer.pk}"


def test_the_author_is_told_the_ground_and_the_date(reviewer, reply):
    assert removal_notice(reply) is None
    review = review_post(
        target=reply, action=ReviewAction.DELETED, ground="spam", reviewer=reviewer
    )
    reply.refresh_from_db()
    notice = removal_notice(reply)
    assert notice is not None
    local = timezone.localtime(review.at)
    day = f"{local.day} {local:%B} {local.year}"
    assert notice.text == (
        "Removed for breaking the acceptable-use policy (unsolicited bulk or commercial "
        f"messages), on {day}."
    )


def test_kept_leaves_the_post_as_it_is(reviewer, reply):
    review_post(target=reply, action=ReviewAction.KEPT, ground="harassment", reviewer=reviewer)
    reply.refresh_from_db()
    assert reply.visibility == Visibility.VISIBLE
    assert removal_notice(reply) is None


def test_deleting_clears_the_post_and_never_brings_it_back(reviewer, reply):
    review_post(target=reply, action=ReviewAction.DELETED, ground="spam", reviewer=reviewer)
    review_post(target=reply, action=ReviewAction.HIDDEN, ground="spam", reviewer=reviewer)
    reply.refresh_from_db()
    assert (reply.visibility, reply.body) == (Visibility.DELETED, "")


def test_blocking_hides_the_post_and_stops_its_author_posting(reviewer, reply, outsider):
    review = review_post(
        target=reply, action=ReviewAction.BLOCKED, ground="spam", reviewer=reviewer
    )
    reply.refresh_from_db()
    assert reply.visibility == Visibility.HIDDEN
    block = PostingBlock.objects.get(person=outsider)
    assert block.review == review
    with pytest.raises(ValidationError):
        post_reply(person=outsider, thread=reply.thread, body="Still here", actor=outsider.user)
    assert "can no longer post" in removal_notice(reply).text


def test_removing_the_opening_post_removes_the_thread(reviewer, thread):
    review_post(
        target=opening(thread), action=ReviewAction.HIDDEN, ground="phishing", reviewer=reviewer
    )
    assert Thread.objects.get(pk=thread.pk).visibility == Visibility.HIDDEN


def test_a_member_flags_only_a_post_they_can_see(customer, reply, reviewer):
    review_post(target=reply, action=ReviewAction.HIDDEN, ground="spam", reviewer=reviewer)
    reply.refresh_from_db()
    with pytest.raises(ValidationError):
        flag_post(post=reply, ground="spam", flagged_by=customer.user)
    assert flag_post(post=reply, ground="malware", flagged_by=reviewer).post == reply


def test_flagging_twice_keeps_one_report(customer, reply):
    first = flag_post(post=reply, ground="spam", flagged_by=customer.user)
    again = flag_post(post=reply, ground="harassment", flagged_by=customer.user)
    assert first == again
    assert Flag.objects.count() == 1
    assert AuditEvent.objects.filter(action="support.flagged").exists()


def test_a_ticket_message_is_reviewed_with_its_departments_purpose(customer, reviewer):
    message = an_abuse_message(customer)
    with pytest.raises(PermissionDenied):
        flag_message(message=message, ground="spam", flagged_by=customer.user)
    flag_message(message=message, ground="spam", flagged_by=reviewer)
    with pytest.raises(ValidationError) as refused:
        review_message(
            target=message, action=ReviewAction.BLOCKED, ground="spam", reviewer=reviewer
        )
    assert list(refused.value.error_dict) == ["action"]
    review_message(target=message, action=ReviewAction.DELETED, ground="spam", reviewer=reviewer)
    message = TicketMessage.objects.get(pk=message.pk)
    assert message.visibility == Visibility.DELETED
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="support.reviewed")
    assert (event.purpose, event.subject_id) == ("support", message.ticket.subject_id)
    assert event.details == {"target": "message", "ground": "spam", "action": "deleted"}
    assert removal_notice(message).text.startswith("Removed for breaking")


def test_a_reviewer_acts_only_on_messages_their_role_may_read(customer, reviewer):
    message = an_abuse_message(customer)
    message.ticket.department = Department.BILLING  # support staff do not read billing's
    message.ticket.save()
    with pytest.raises(PermissionDenied) as refused:
        review_message(target=message, action=ReviewAction.HIDDEN, ground="spam", reviewer=reviewer)
    assert "Billing department" in str(refused.value)
    assert not Review.objects.exists()
