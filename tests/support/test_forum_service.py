# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and forum_fixtures)
"""The forum's services (CTL-5): posting is redacted, audited, refused to blocked members and in
removed threads; only the author edits or deletes; an erased author is "a former member"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.erasure import erase_subject
from clientvault.support.models import ForumCategory, Post, PostingBlock, Review, Thread, Visibility
from clientvault.support.queries_forum import FORMER_MEMBER, author_label, posts_of, shown_posts
from clientvault.support.services.forum import (
    CATEGORIES,
    MAX_POST,
    delete_post,
    edit_post,
    ensure_forum_categories,
    post_reply,
    start_thread,
)
from tests.accounts.personas import customer, outsider, staff  # noqa: F401
from tests.support.forum_fixtures import a_reply, category, opening, thread  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4242 4242 4242 4242"


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_it_starts_a_thread_with_its_opening_post(customer, category):
    published = start_thread(
        person=customer,
        category=category,
        title="  Moving my site  ",
        body="Which plan fits a small shop?",
        actor=customer.user,
    )
    thread = published.thread
    assert thread.title == "Moving my site"
    assert thread.author == customer
    assert published.post.body == "Which plan fits a small shop?"
    assert published.explanation == ""
    event = AuditEvent.objects.get(action="support.forum_thread_started")
    assert event.subject_id == customer.subject_id
    assert event.details == {"thread": str(thread.pk), "removed": 0}


def test_it_redacts_a_card_number_in_a_post_and_says_so(customer, thread, outsider):
    published = post_reply(
        person=outsider, thread=thread, body=f"Pay with {CARD} exp 12/30", actor=outsider.user
    )
    assert CARD not in published.post.body
    assert "4242" not in published.post.body
    assert "[card number removed]" in published.post.body
    assert published.post.removed == {"card": 1}
    assert "card number" in published.explanation
    event = AuditEvent.objects.get(action="support.forum_replied")
    assert event.details["removed"] >= 1
    assert "4242" not in str(event.details)


def test_it_redacts_the_title_too(customer, category):
    published = start_thread(
        person=customer, category=category, title=f"Card {CARD}", body="Help", actor=customer.user
    )
    assert "4242" not in published.thread.title
    assert "card number" in published.explanation


def test_it_refuses_an_empty_or_huge_post_naming_the_field(customer, thread):
    for body in ("   ", "x" * (MAX_POST + 1)):
        with pytest.raises(ValidationError) as refused:
            post_reply(person=customer, thread=thread, body=body, actor=customer.user)
        assert list(codes(refused.value)) == ["body"]
    assert thread.posts.count() == 1


def test_a_blocked_member_cannot_post(customer, thread, outsider, staff):
    post = a_reply(outsider, thread)
    review = Review.objects.create(
        post=post,
        action="blocked",
        ground="spam",
        reviewer=staff(StaffRole.SUPPORT),
        at=timezone.now(),
    )
    PostingBlock.objects.create(person=outsider, review=review, since=timezone.now())
    with pytest.raises(ValidationError) as refused:
        post_reply(person=outsider, thread=thread, body="Again", actor=outsider.user)
    assert codes(refused.value) == {"body": ["blocked"]}
    assert "blocked" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        start_thread(
            person=outsider, category=thread.category, title="New", body="x", actor=outsider.user
        )
    assert Post.objects.filter(author=outsider).count() == 1


def test_it_refuses_posting_in_a_removed_thread(customer, thread, outsider):
    for visibility in (Visibility.HIDDEN, Visibility.DELETED):
        Thread.objects.filter(pk=thread.pk).update(visibility=visibility)
        thread.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            post_reply(person=outsider, thread=thread, body="Me too", actor=outsider.user)
        assert codes(refused.value) == {"body": ["removed"]}


def test_staff_cannot_post_as_a_customer(customer, thread, staff):
    with pytest.raises(ValidationError) as refused:
        post_reply(person=customer, thread=thread, body="Hi", actor=staff(StaffRole.SUPPORT))
    assert codes(refused.value) == {"body": ["not_member"]}


def test_it_lets_only_the_author_edit(customer, thread, outsider):
    post = opening(thread)
    with pytest.raises(ValidationError) as refused:
        edit_post(person=outsider, post=post, body="Hijacked", actor=outsider.user)
    assert codes(refused.value) == {"post": ["not_author"]}
    published = edit_post(person=customer, post=post, body=f"Edited {CARD}", actor=customer.user)
    post.refresh_from_db()
    assert post.body.startswith("Edited [card number removed]")
    assert post.edited_at is not None
    assert "card number" in published.explanation
    assert "support.forum_post_edited" in AuditEvent.objects.values_list("action", flat=True)


def test_it_lets_only_the_author_delete_and_leaves_a_mark(customer, thread, outsider):
    post = opening(thread)
    with pytest.raises(ValidationError):
        delete_post(person=outsider, post=post, actor=outsider.user)
    delete_post(person=customer, post=post, actor=customer.user)
    post.refresh_from_db()
    assert post.body == ""
    assert post.deleted_by_author_at is not None
    assert AuditEvent.objects.filter(action="support.forum_post_deleted").count() == 1
    delete_post(person=customer, post=post, actor=customer.user)  # again: nothing more
    assert AuditEvent.objects.filter(action="support.forum_post_deleted").count() == 1
    with pytest.raises(ValidationError):
        edit_post(person=customer, post=post, body="Back", actor=customer.user)


def test_an_erased_authors_posts_stay_as_a_former_members(customer, thread, outsider):
    reply = a_reply(outsider, thread)
    assert author_label(opening(thread).author) == "Ada L."
    erase_subject(subject_id=customer.subject_id, actor=SYSTEM, reason="forum-test")
    thread.refresh_from_db()
    shown = shown_posts(posts_of(thread), None)
    assert [s.author for s in shown] == [FORMER_MEMBER, "Otto M."]
    assert shown[0].body.startswith("How do I point my domain")
    assert shown[1].post == reply


def test_a_name_reading_as_erased_shows_a_former_member(customer):
    from clientvault.privacy import vault

    vault.destroy_subject_key(customer.subject_id)
    vault.reset_caches()
    customer.refresh_from_db()
    assert author_label(customer) == FORMER_MEMBER


def test_the_categories_are_made_once(db):
    first = ensure_forum_categories()
    again = ensure_forum_categories()
    assert [c.pk for c in first] == [c.pk for c in again]
    assert [c.name for c in ForumCategory.objects.all()] == [name for name, _ in CATEGORIES]
