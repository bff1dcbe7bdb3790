# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and forum_fixtures)
"""The forum's pages (CTL-5): public reading; posting forms that warn before the text box and
need the acknowledgement; card numbers redacted and the author told; author-only changes."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import StaffRole
from clientvault.privacy.services.erasure import erase_subject
from clientvault.support.models import Flag, Post, PostingBlock, Review, ReviewAction, Thread
from clientvault.support.services.review import review_post
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    outsider_client,
    staff,
    staff_client,
)
from tests.support.forum_fixtures import (  # noqa: F401
    FIRST_POST,
    PUBLIC_ACK,
    a_reply,
    category,
    opening,
    thread,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

CARD = "4242 4242 4242 4242"
WARNING = "What you post here is public"


def reply_url(thread: Thread) -> str:
    return reverse("support:forum_reply", args=[thread.pk])


def text_of(response) -> str:
    return response.content.decode()


def test_anyone_reads_the_forum_without_signing_in(thread):
    client = Client()
    index = client.get(reverse("support:forum"))
    assert index.status_code == 200
    assert "Getting started" in text_of(index)
    listing = client.get(reverse("support:forum_category", args=[thread.category.slug]))
    assert thread.title in text_of(listing)
    page = client.get(reverse("support:thread", args=[thread.pk]))
    assert page.status_code == 200
    assert FIRST_POST in text_of(page)
    assert "Ada L." in text_of(page)
    assert "Lovelace" not in text_of(page)
    assert "Sign in</a> to reply" in text_of(page)


def test_posting_needs_a_signed_in_member(thread, staff_client):
    anonymous = Client().get(reply_url(thread))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    as_staff = staff_client(StaffRole.SUPPORT).post(reply_url(thread), {"body": "Hi"})
    assert as_staff.status_code == 404
    assert thread.posts.count() == 1


@pytest.mark.parametrize(
    "name", ["support:forum_new_thread", "support:forum_reply", "support:forum_edit"]
)
def test_every_posting_form_warns_before_the_text_box(name, thread, customer_client):
    arg = {
        "support:forum_new_thread": thread.category.slug,
        "support:forum_reply": thread.pk,
        "support:forum_edit": opening(thread).pk,
    }[name]
    page = text_of(customer_client.get(reverse(name, args=[arg])))
    assert WARNING in page
    assert "can copy, keep and collect it" in page
    assert page.index(WARNING) < page.index("<textarea")
    assert re.search(r'<input type="checkbox" name="public_ack"[^>]*required', page)
    assert f">{PUBLIC_ACK}</label>" in page


def test_it_refuses_posting_without_the_public_warning_ack(thread, customer_client):
    response = customer_client.post(reply_url(thread), {"body": "Thanks, that worked."})
    assert response.status_code == 200
    assert f"Tick \u201c{PUBLIC_ACK}\u201d to post" in text_of(response)
    form = response.context["form"]
    assert list(form.errors) == ["public_ack"]
    assert thread.posts.count() == 1


def test_it_redacts_a_card_number_in_a_post_and_says_so(thread, outsider_client):
    body = f"My card {CARD} was charged twice"
    response = outsider_client.post(
        reply_url(thread), {"body": body, "public_ack": "on"}, follow=True
    )
    assert response.status_code == 200
    post = thread.posts.order_by("created_at").last()
    assert post.body == "My card [card number removed] was charged twice"
    page = text_of(response)
    assert "4242" not in page
    assert "[card number removed]" in page
    assert re.search(r"We removed (a|1) card number from your message", page)
    assert "Your reply is published." in page


def test_a_form_sent_back_never_shows_the_card_number(thread, outsider_client):
    response = outsider_client.post(reply_url(thread), {"body": f"Card {CARD}"})
    page = text_of(response)
    assert "4242" not in page
    assert "Card [card number removed]" in page
    assert "Nothing was posted yet." in page
    assert thread.posts.count() == 1


def test_a_member_starts_a_thread(category, customer_client):
    response = customer_client.post(
        reverse("support:forum_new_thread", args=[category.slug]),
        {"title": "Backups", "body": "How often are backups made?", "public_ack": "on"},
    )
    thread = Thread.objects.get(title="Backups")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("support:thread", args=[thread.pk]))
    assert opening(thread).body == "How often are backups made?"


def test_it_lets_only_the_author_edit(thread, customer_client, outsider_client):
    post = opening(thread)
    edit = reverse("support:forum_edit", args=[post.pk])
    assert outsider_client.get(edit).status_code == 404
    sent = {"body": "Hijacked", "public_ack": "on"}
    assert outsider_client.post(edit, sent).status_code == 404
    post.refresh_from_db()
    assert post.body == FIRST_POST
    response = customer_client.post(edit, {"body": "Solved, thanks.", "public_ack": "on"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body, post.edited_at is not None) == ("Solved, thanks.", True)
    assert "edited" in text_of(customer_client.get(reverse("support:thread", args=[thread.pk])))


def test_the_author_deletes_a_post_after_confirming(thread, customer_client, outsider_client):
    post = opening(thread)
    delete = reverse("support:forum_delete", args=[post.pk])
    assert outsider_client.post(delete).status_code == 404
    assert "Delete the post" in text_of(customer_client.get(delete))
    customer_client.post(delete)
    post.refresh_from_db()
    assert post.body == ""
    page = text_of(Client().get(reverse("support:thread", args=[thread.pk])))
    assert "Deleted by its author." in page
    assert FIRST_POST not in page


def test_an_erased_author_shows_as_a_former_member(thread, customer):
    erase_subject(subject_id=customer.subject_id, actor=None, reason="forum-test")
    page = text_of(Client().get(reverse("support:thread", args=[thread.pk])))
    assert "a former member" in page
    assert "Ada" not in page
    assert FIRST_POST in page


def test_a_blocked_member_is_told_and_cannot_post(thread, outsider, outsider_client, staff):
    post = a_reply(outsider, thread)
    review = Review.objects.create(
        post=post,
        action=ReviewAction.BLOCKED,
        ground="spam",
        reviewer=staff(StaffRole.SUPPORT),
        at=timezone.now(),
    )
    PostingBlock.objects.create(person=outsider, review=review, since=timezone.now())
    page = text_of(outsider_client.get(reply_url(thread)))
    assert "You cannot post in the forum: you were blocked on" in page
    assert "<textarea" not in page
    outsider_client.post(reply_url(thread), {"body": "Again", "public_ack": "on"})
    assert Post.objects.filter(author=outsider).count() == 1


def test_the_author_reads_the_review_notice_others_a_short_line(
    thread, outsider, customer_client, outsider_client, staff
):
    post = a_reply(outsider, thread, "Cheap watches here")
    review_post(
        target=post, action=ReviewAction.HIDDEN, ground="spam", reviewer=staff(StaffRole.SUPPORT)
    )
    url = reverse("support:thread", args=[thread.pk])
    mine = text_of(outsider_client.get(url))
    assert "Hidden for breaking the acceptable-use policy (unsolicited bulk or commercial" in mine
    assert "Cheap watches here" in mine
    theirs = text_of(customer_client.get(url))
    assert "Removed after an acceptable-use review." in theirs
    assert "Cheap watches here" not in theirs


def test_a_thread_removed_after_review_is_gone(thread, customer_client, staff):
    review_post(
        target=opening(thread),
        action=ReviewAction.DELETED,
        ground="phishing",
        reviewer=staff(StaffRole.SUPPORT),
    )
    public = Client().get(reverse("support:thread", args=[thread.pk]))
    assert public.status_code == 410
    assert thread.title not in text_of(public)
    own = text_of(customer_client.get(reverse("support:thread", args=[thread.pk])))
    assert "Removed for breaking the acceptable-use policy (phishing or impersonation)" in own
    listing = Client().get(reverse("support:forum_category", args=[thread.category.slug]))
    assert thread.title not in text_of(listing)
    refused = customer_client.get(reply_url(thread))
    assert refused.status_code == 302


def test_a_member_reports_a_post(thread, outsider_client):
    post = opening(thread)
    url = reverse("support:flag_post", args=[post.pk])
    assert "Unsolicited bulk or commercial messages" in text_of(outsider_client.get(url))
    empty = outsider_client.post(url, {})
    assert "Choose what the post breaks" in text_of(empty)
    response = outsider_client.post(url, {"ground": "spam"})
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.post, flag.ground, flag.resolved_at) == (post, "spam", None)


def test_reporting_needs_a_sign_in(thread):
    response = Client().post(
        reverse("support:flag_post", args=[opening(thread).pk]), {"ground": "spam"}
    )
    assert response.status_code == 302
    assert not Flag.objects.exists()


def test_the_site_navigation_links_the_forum(db):
    page = text_of(Client().get(reverse("home")))
    assert f'<a href="{reverse("support:forum")}">Forum</a>' in page


def test_staff_report_a_post_after_their_second_factor(thread, staff, staff_client):
    post = opening(thread)
    url = reverse("support:flag_post", args=[post.pk])
    unverified = Client()
    unverified.force_login(staff(StaffRole.BILLING))
    assert unverified.get(url)["Location"].startswith(reverse("accounts:two_factor"))
    response = staff_client(StaffRole.BILLING).post(url, {"ground": "malware"})
    assert response.status_code == 302
    assert Flag.objects.get().flagged_by == staff(StaffRole.BILLING)


def test_reviewers_find_a_review_link_on_each_post(thread, staff_client):
    review = reverse("support:review_post", args=[opening(thread).pk])
    page = reverse("support:thread", args=[thread.pk])
    assert review in text_of(staff_client(StaffRole.SUPPORT).get(page))
    assert review not in text_of(staff_client(StaffRole.BILLING).get(page))
    assert review not in text_of(Client().get(page))
