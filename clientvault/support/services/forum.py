"""Posting in the public forum (CTL-5): threads, replies, and an author's edits and deletions.

Posting needs a signed-in customer (a :class:`Person`): staff do not post as customers. Every
text goes through :func:`clean_text` (size, then the kernel's redactor) before anything is
written, so what is published holds no card number; each step returns what it posted with the
redactions, so the author is told what was removed. A member blocked after acceptable-use review
(:class:`PostingBlock`) cannot post, nor can anyone in a thread removed after review. Each step
is one transaction with its audit event (ids and counts only: a post's text is never audited).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import slugify

from clientvault.accounts.models import Person
from clientvault.privacy.actors import Actor
from clientvault.privacy.redaction import Redaction
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.errors import refuse
from clientvault.support.models import ForumCategory, Post, PostingBlock, Thread, Visibility
from clientvault.support.services.texts import MAX_TITLE, Redacted, clean_text, counts_of

MAX_POST = 10_000  # characters: a forum post, not a log file
# The categories every forum starts with (the demo and a fresh installation call
# ensure_forum_categories); the operator may add others.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Getting started", "Your first website, your account and where to find things."),
    ("Web hosting", "Websites, databases, PHP versions, files and the control panel."),
    ("Domains and DNS", "Registering and moving domain names, DNS records and name servers."),
    ("E-mail", "Mailboxes, forwarding, spam filtering and mail clients."),
)


@dataclass(frozen=True)
class Published(Redacted):
    """A post as stored, and what the redactor removed from what was sent (for the author)."""

    post: Post
    redactions: tuple[Redaction, ...] = field(default=())

    @property
    def thread(self) -> Thread:
        return self.post.thread


def ensure_forum_categories() -> list[ForumCategory]:
    """The forum's starting categories, created when missing (idempotent)."""
    made = []
    for position, (name, description) in enumerate(CATEGORIES):
        category, _ = ForumCategory.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "description": description, "position": position},
        )
        made.append(category)
    return made


def posting_block(person: Person) -> PostingBlock | None:
    return PostingBlock.objects.filter(person=person).first()


def _check_may_post(person: Person, actor: Actor) -> None:
    if actor.is_staff or getattr(actor, "pk", None) != person.user_id:
        raise refuse("body", "Only members post in the forum, each as themselves.", "not_member")
    block = posting_block(person)
    if block is not None:
        since = dateformat.format(timezone.localtime(block.since), "j F Y")
        raise refuse(
            "body",
            f"You cannot post in the forum: you were blocked on {since} after a review found "
            "that a post broke the acceptable-use policy.",
            "blocked",
        )


def _check_thread_open(thread: Thread) -> None:
    if thread.visibility != Visibility.VISIBLE:
        raise refuse(
            "body", "This thread was removed after review and takes no more posts.", "removed"
        )


def _check_author(person: Person, post: Post) -> None:
    if post.author_id is None or post.author_id != person.pk:
        raise refuse("post", "Only its author can change or delete a post.", "not_author")


def _audit(action: str, post: Post, person: Person, actor: Actor, **details: str | int) -> None:
    record_event(
        action=action,
        actor=actor,
        subject_id=person.subject_id,
        purpose=Purpose.SERVICE,
        obj=post,
        details={"thread": str(post.thread_id), **details},
    )


def _body(body: str) -> Redaction:
    return clean_text(body, field="body", limit=MAX_POST, label="post")


def _new_post(thread: Thread, person: Person, text: Redaction) -> Post:
    return Post.objects.create(
        thread=thread,
        author=person,
        body=text.text,
        removed=counts_of(text),
        created_at=timezone.now(),
    )


def start_thread(
    *, person: Person, category: ForumCategory, title: str, body: str, actor: Actor
) -> Published:
    """A new thread in ``category`` with its opening post."""
    heading = clean_text(title, field="title", limit=MAX_TITLE, label="title")
    text = _body(body)
    _check_may_post(person, actor)
    with transaction.atomic():
        now = timezone.now()
        thread = Thread.objects.create(
            category=category, title=heading.text, author=person, created_at=now, last_post_at=now
        )
        post = _new_post(thread, person, text)
        removed = sum(counts_of(heading, text).values())
        _audit("support.forum_thread_started", post, person, actor, removed=removed)
    return Published(post, (heading, text))


def post_reply(*, person: Person, thread: Thread, body: str, actor: Actor) -> Published:
    """A reply at the end of ``thread``."""
    _check_thread_open(thread)
    text = _body(body)
    _check_may_post(person, actor)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        _check_thread_open(locked)
        post = _new_post(locked, person, text)
        locked.last_post_at = post.created_at
        locked.save(update_fields=["last_post_at"])
        _audit("support.forum_replied", post, person, actor, removed=sum(counts_of(text).values()))
    return Published(post, (text,))


def _check_editable(post: Post) -> None:
    if post.deleted_by_author_at is not None:
        raise refuse("body", "This post was deleted and can no longer be changed.", "deleted")
    if post.visibility != Visibility.VISIBLE:
        raise refuse(
            "body", "This post was removed after review and can no longer be changed.", "removed"
        )
    _check_thread_open(post.thread)


def edit_post(*, person: Person, post: Post, body: str, actor: Actor) -> Published:
    """The author's new text for their post (the post says it was edited)."""
    _check_author(person, post)
    _check_editable(post)
    text = _body(body)
    _check_may_post(person, actor)
    with transaction.atomic():
        locked = (
            Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
        )
        _check_editable(locked)
        locked.body = text.text
        locked.removed = counts_of(text)
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "removed", "edited_at"])
        _audit("support.forum_post_edited", locked, person, actor)
    return Published(locked, (text,))


def delete_post(*, person: Person, post: Post, actor: Actor) -> Post:
    """The author takes their post down: its place shows "deleted by its author", its text
    is gone. Reviews of it are kept."""
    _check_author(person, post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.deleted_by_author_at is not None:
            return locked
        locked.body = ""
        locked.removed = {}
        locked.deleted_by_author_at = timezone.now()
        locked.save(update_fields=["body", "removed", "deleted_by_author_at"])
        _audit("support.forum_post_deleted", locked, person, actor)
    return locked
