"""What reviewers see: the queue of reported communications, and one communication to review.

The queue lists open flags and the messages of abuse-department tickets not yet reviewed, with
no text: a ticket message's text is read only on its review page, through ``reveal`` with the
purpose of its ticket's department (each read audited). There is no search across tickets.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from clientvault.privacy.actors import Actor
from clientvault.privacy.reveal import reveal
from clientvault.support.models import (
    DEPARTMENT_PURPOSE,
    AuthorKind,
    Department,
    Flag,
    Post,
    TicketMessage,
    Visibility,
)


def open_flags() -> QuerySet[Flag]:
    return (
        Flag.objects.filter(resolved_at__isnull=True)
        .select_related("post__thread", "message__ticket", "flagged_by")
        .order_by("created_at")
    )


def abuse_reports() -> QuerySet[TicketMessage]:
    """Messages customers and correspondents sent to the abuse department, not yet reviewed."""
    return (
        TicketMessage.objects.filter(ticket__department=Department.ABUSE, internal=False)
        .exclude(author_kind=AuthorKind.STAFF)
        .filter(Q(reviews__isnull=True), visibility=Visibility.VISIBLE)
        .select_related("ticket")
        .order_by("created_at")
    )


def post_for_review(pk: uuid.UUID) -> Post:
    found = (
        Post.objects.select_related("thread__category", "author__subject")
        .prefetch_related("reviews__reviewer", "flags")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such post.")
    return found


def message_for_review(pk: uuid.UUID) -> TicketMessage:
    found = (
        TicketMessage.objects.select_related("ticket")
        .prefetch_related("reviews__reviewer", "flags")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such ticket message.")
    return found


def read_for_review(message: TicketMessage, *, reviewer: Actor) -> str:
    """The message's text for its reviewer, through ``reveal`` with its department's purpose
    (audited; RevealDenied when the reviewer's role lacks it). A deleted message has none."""
    if message.visibility == Visibility.DELETED:
        return ""
    return reveal(message, "body", DEPARTMENT_PURPOSE[message.ticket.department], reviewer)
