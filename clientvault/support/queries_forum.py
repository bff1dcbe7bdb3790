"""Reading the public forum: categories, threads and posts as the public and their authors see
them, and each author's public name.

An author is shown by given name and the initial of the family name ("Ada L."), no more: the
forum is public. An erased member (the link to them removed, or their name reading as erased)
is "a former member". A post removed after review keeps its place: its author reads the review's
notice (and a hidden post's text), everyone else a short line saying it was removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from clientvault.accounts.models import Person
from clientvault.privacy import vault
from clientvault.support.models import ForumCategory, Post, Thread, Visibility

PAGE_SIZE = 20
FORMER_MEMBER = "a former member"
A_MEMBER = "a member"


def _erased(value: object) -> bool:
    return isinstance(value, vault.Erased) or str(value or "") == str(vault.ERASED)


def author_label(person: Person | None) -> str:
    """The public name of a post's author: "Ada L.", or "a former member" once erased."""
    if person is None or person.subject.erased_at is not None:
        return FORMER_MEMBER
    given, family = person.given_name, person.family_name
    if _erased(given) or _erased(family):
        return FORMER_MEMBER
    first = str(given or "").strip().split(" ")[0]
    initial = str(family or "").strip()[:1].upper()
    if not first:
        return A_MEMBER
    return f"{first} {initial}." if initial else first


def categories() -> QuerySet[ForumCategory]:
    shown = Q(threads__visibility=Visibility.VISIBLE)
    return ForumCategory.objects.annotate(thread_count=Count("threads", filter=shown))


def category_or_404(slug: str) -> ForumCategory:
    found = ForumCategory.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No such forum category.")
    return found


def threads_in(category: ForumCategory) -> QuerySet[Thread]:
    """The category's threads still shown, newest activity first, with their post counts."""
    shown_posts = Q(posts__deleted_by_author_at__isnull=True)
    return (
        category.threads.filter(visibility=Visibility.VISIBLE)
        .select_related("author__subject")
        .annotate(post_count=Count("posts", filter=shown_posts))
        .order_by("-last_post_at")
    )


def thread_or_404(pk: uuid.UUID) -> Thread:
    found = Thread.objects.select_related("category", "author__subject").filter(pk=pk).first()
    if found is None:
        raise Http404("No such thread.")
    return found


def posts_of(thread: Thread) -> QuerySet[Post]:
    return (
        thread.posts.select_related("author__subject")
        .prefetch_related("reviews")
        .order_by("created_at")
    )


def opening_post(thread: Thread) -> Post | None:
    return posts_of(thread).first()


def is_public(post: Post) -> bool:
    """Whether anyone may read the post: shown, not deleted, in a thread still shown."""
    return (
        post.visibility == Visibility.VISIBLE
        and post.deleted_by_author_at is None
        and post.thread.visibility == Visibility.VISIBLE
    )


def public_post_or_404(pk: uuid.UUID) -> Post:
    post = Post.objects.select_related("thread", "author__subject").filter(pk=pk).first()
    if post is None or not is_public(post):
        raise Http404("No such post.")
    return post


def own_post_or_404(person: Person, pk: uuid.UUID) -> Post:
    """The person's own post ``pk``; 404 for anyone else's."""
    post = Post.objects.select_related("thread").filter(pk=pk, author=person).first()
    if post is None:
        raise Http404("No such post of yours.")
    return post


@dataclass(frozen=True)
class ShownPost:
    """A post as one reader sees it: its author's public name and what of its text they read."""

    post: Post
    author: str
    mine: bool

    @property
    def deleted_by_author(self) -> bool:
        return self.post.deleted_by_author_at is not None

    @property
    def removed_after_review(self) -> bool:
        return self.post.visibility != Visibility.VISIBLE

    @property
    def body(self) -> str:
        """The text this reader may read: a hidden post's only to its author."""
        if self.deleted_by_author:
            return ""
        if self.removed_after_review and not self.mine:
            return ""
        return self.post.body

    @property
    def reportable(self) -> bool:
        """Whether another reader may report it (it is still shown)."""
        return not self.mine and not self.deleted_by_author and not self.removed_after_review

    @property
    def editable(self) -> bool:
        return self.mine and not self.deleted_by_author and not self.removed_after_review


def shown_posts(posts: Iterable[Post], viewer: Person | None) -> list[ShownPost]:
    labels: dict[uuid.UUID | None, str] = {}
    shown = []
    for post in posts:
        if post.author_id not in labels:
            labels[post.author_id] = author_label(post.author)
        mine = viewer is not None and post.author_id == viewer.pk
        shown.append(ShownPost(post, labels[post.author_id], mine))
    return shown
