"""Acceptable-use review (REV-1): flags, and a reviewer's action on one communication.

This is the only review of communications there is: a flag on a forum post or a ticket message
(or a ticket in the abuse department) lets a staff member whose role the policy profile names in
``[review] reviewers`` keep, hide, delete or block it, always on a ground from the profile's
``[review] grounds``. Each review is a :class:`Review` row, resolves the communication's open
flags, is audited (``support.reviewed``, with the action and ground codes only) and is shown to
the author (:func:`removal_notice`). Nothing here searches ticket contents.

What each action leaves (a communication never becomes more visible again through review):

- ``kept``: the communication as it is;
- ``hidden``: no longer shown to the public; its author still reads it, with the notice (a
  hidden ticket message stays on its own account's ticket, marked, and with staff);
- ``deleted``: its text no longer shown to anyone; a forum post's text is cleared;
- ``blocked`` (forum posts): hidden, and its author may no longer post (:class:`PostingBlock`).

A thread follows its opening post: hiding or deleting that post removes the thread.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import dateformat, timezone

from clientvault.privacy.actors import Actor, actor_roles
from clientvault.privacy.profile import ACCEPTABLE_USE_GROUNDS, current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.errors import refuse
from clientvault.support.models import (
    DEPARTMENT_PURPOSE,
    Department,
    Flag,
    Post,
    PostingBlock,
    Review,
    ReviewAction,
    Thread,
    TicketMessage,
    Visibility,
)
from clientvault.support.queries_forum import is_public

# What each action makes of the communication (None: leaves it as it is).
VISIBILITY_AFTER: dict[str, str | None] = {
    ReviewAction.KEPT: None,
    ReviewAction.HIDDEN: Visibility.HIDDEN,
    ReviewAction.DELETED: Visibility.DELETED,
    ReviewAction.BLOCKED: Visibility.HIDDEN,
}
_RANK: dict[str, int] = {Visibility.VISIBLE: 0, Visibility.HIDDEN: 1, Visibility.DELETED: 2}
MESSAGE_ACTIONS = (ReviewAction.KEPT, ReviewAction.HIDDEN, ReviewAction.DELETED)
NOT_GRANTED = (
    "Reviewing messages of the {department} department needs the purpose of reading them, "
    "which the policy profile grants none of your roles."
)


def review_grounds() -> list[tuple[str, str]]:
    """The profile's grounds as (code, what the author is told), in the profile's order."""
    return [(code, ACCEPTABLE_USE_GROUNDS[code]) for code in current_profile().review_grounds]


def is_reviewer(actor: Actor | None) -> bool:
    if actor is None or not actor.is_staff:
        return False
    return bool(actor_roles(actor) & set(current_profile().reviewers))


def require_reviewer(actor: Actor | None) -> None:
    """PermissionDenied, with its reason, unless ``actor`` is a reviewer."""
    if is_reviewer(actor):
        return
    named = ", ".join(current_profile().reviewers)
    held = ", ".join(sorted(actor_roles(actor))) or "none"
    raise PermissionDenied(
        f"Acceptable-use review is open only to the staff roles the policy profile names as "
        f"reviewers ({named}); your roles: {held}."
    )


def _check_ground(ground: str) -> None:
    if ground not in current_profile().review_grounds:
        known = ", ".join(current_profile().review_grounds)
        raise refuse(
            "ground", f"Choose a ground from the acceptable-use policy's list ({known}).", "invalid"
        )


def _check_action(action: str, allowed: tuple[str, ...]) -> None:
    if action not in allowed:
        known = ", ".join(allowed)
        raise refuse("action", f"Choose an action from the list ({known}).", "invalid_choice")


# -- flags ------------------------------------------------------------------------------------


def _flag(*, target: dict[str, Post | TicketMessage], ground: str, flagged_by: Actor) -> Flag:
    existing = Flag.objects.filter(
        **target, flagged_by_id=flagged_by.pk, resolved_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return Flag.objects.create(
        **target, ground=ground, flagged_by_id=flagged_by.pk, created_at=timezone.now()
    )


def flag_post(*, post: Post, ground: str, flagged_by: Actor) -> Flag:
    """A report that ``post`` breaks the acceptable-use policy. A member reports only a post
    they can see; staff any post. Reporting the same post twice keeps the first report."""
    _check_ground(ground)
    if not flagged_by.is_staff and not is_public(post):
        raise refuse("post", "This post is no longer shown: there is nothing to report.", "gone")
    with transaction.atomic():
        flag = _flag(target={"post": post}, ground=ground, flagged_by=flagged_by)
        _audit("support.flagged", post, _post_subject(post), Purpose.SERVICE, flagged_by, ground)
    return flag


def flag_message(*, message: TicketMessage, ground: str, flagged_by: Actor) -> Flag:
    """Staff report a ticket message for review (customers report only forum posts)."""
    if not flagged_by.is_staff:
        raise PermissionDenied("Only staff report ticket messages for review.")
    _check_ground(ground)
    ticket = message.ticket
    with transaction.atomic():
        flag = _flag(target={"message": message}, ground=ground, flagged_by=flagged_by)
        _audit("support.flagged", message, ticket.subject_id, ticket.purpose, flagged_by, ground)
    return flag


# -- reviews ----------------------------------------------------------------------------------


def _post_subject(post: Post) -> uuid.UUID | None:
    return post.author.subject_id if post.author is not None else None


def _audit(
    event: str,
    obj: Post | TicketMessage,
    subject_id: uuid.UUID | None,
    purpose: str,
    actor: Actor,
    ground: str,
    **details: str,
) -> None:
    kind = "post" if isinstance(obj, Post) else "message"
    record_event(
        action=event,
        actor=actor,
        subject_id=subject_id,
        purpose=purpose,
        obj=obj,
        details={"target": kind, "ground": ground, **details},
    )


def _after(current: str, action: str) -> str:
    wanted = VISIBILITY_AFTER[action]
    if wanted is None or _RANK[wanted] <= _RANK[current]:
        return current
    return wanted


def _record(
    target: dict[str, Post | TicketMessage], action: str, ground: str, who: Actor
) -> Review:
    now = timezone.now()
    Flag.objects.filter(**target, resolved_at__isnull=True).update(resolved_at=now)
    return Review.objects.create(**target, action=action, ground=ground, reviewer_id=who.pk, at=now)


def _follow_opening_post(post: Post) -> None:
    """A thread is removed with its opening post (its title belongs to that post)."""
    first = Post.objects.filter(thread_id=post.thread_id).order_by("created_at").first()
    if first is not None and first.pk == post.pk and post.visibility != Visibility.VISIBLE:
        Thread.objects.filter(pk=post.thread_id).update(visibility=post.visibility)


def _check_post_action(post: Post, action: str) -> None:
    _check_action(action, tuple(ReviewAction.values))
    if action == ReviewAction.BLOCKED and post.author_id is None:
        raise refuse(
            "action",
            "The post's author is no longer a member and cannot be blocked: hide or delete it.",
            "no_author",
        )


def _apply(post: Post, action: str) -> None:
    post.visibility = _after(post.visibility, action)
    if post.visibility == Visibility.DELETED:
        post.body, post.removed = "", {}
    post.save(update_fields=["visibility", "body", "removed"])
    _follow_opening_post(post)


def _locked_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)


def review_post(*, target: Post, action: str, ground: str, reviewer: Actor) -> Review:
    """A reviewer's action on a forum post, on a ground from the profile's list."""
    require_reviewer(reviewer)
    _check_post_action(target, action)
    _check_ground(ground)
    with transaction.atomic():
        post = _locked_post(target)
        _apply(post, action)
        review = _record({"post": post}, action, ground, reviewer)
        if action == ReviewAction.BLOCKED:
            PostingBlock.objects.get_or_create(
                person_id=post.author_id, defaults={"review": review, "since": review.at}
            )
        subject = _post_subject(post)
        _audit("support.reviewed", post, subject, Purpose.SERVICE, reviewer, ground, action=action)
    return review


def _check_may_read(message: TicketMessage, reviewer: Actor) -> None:
    """A reviewer acts only on a message they may read (its department's purpose)."""
    department = message.ticket.department
    if DEPARTMENT_PURPOSE[department] not in current_profile().purposes_for(actor_roles(reviewer)):
        label = Department(department).label
        raise PermissionDenied(NOT_GRANTED.format(department=label))


def review_message(*, target: TicketMessage, action: str, ground: str, reviewer: Actor) -> Review:
    """A reviewer's action on a ticket message: keep, hide or delete (its text is no longer
    shown; the sealed text stays for the ticket's retention period)."""
    require_reviewer(reviewer)
    if action == ReviewAction.BLOCKED:
        raise refuse(
            "action",
            "Blocking applies to forum members: for a ticket message choose keep, hide or delete.",
            "invalid_choice",
        )
    _check_action(action, MESSAGE_ACTIONS)
    _check_ground(ground)
    _check_may_read(target, reviewer)
    with transaction.atomic():
        message = TicketMessage.objects.select_for_update().get(pk=target.pk)
        message.visibility = _after(message.visibility, action)
        message.save(update_fields=["visibility"])
        review = _record({"message": message}, action, ground, reviewer)
        ticket = target.ticket
        purpose = DEPARTMENT_PURPOSE[ticket.department]
        _audit(
            "support.reviewed", message, ticket.subject_id, purpose, reviewer, ground, action=action
        )
    return review


# -- what the author is told ------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What review did to a communication, as its author reads it."""

    action: str
    ground: str
    at: datetime.datetime

    @property
    def ground_label(self) -> str:
        return ACCEPTABLE_USE_GROUNDS.get(self.ground, self.ground)

    @property
    def text(self) -> str:
        verb = "Removed" if self.action == ReviewAction.DELETED else "Hidden"
        day = dateformat.format(timezone.localtime(self.at), "j F Y")
        said = f"{verb} for breaking the acceptable-use policy ({self.ground_label}), on {day}."
        if self.action == ReviewAction.BLOCKED:
            said += " Its author can no longer post in the forum."
        return said


def removal_notice(item: Post | TicketMessage) -> Notice | None:
    """The notice of the review that hid or deleted ``item``; None while it is shown."""
    if item.visibility == Visibility.VISIBLE:
        return None
    acted = [r for r in item.reviews.all() if r.action != ReviewAction.KEPT]
    if not acted:
        return None
    latest = max(acted, key=lambda review: review.at)
    return Notice(latest.action, latest.ground, latest.at)
