"""Acceptable-use review (REV-1): the only review of communications there is.

A flag (a customer's or staff member's report on a ticket message or a forum post) or an abuse
ticket lets a reviewer act on one communication: keep it, hide it, delete it or block its
author from posting, each with a ground from the policy profile's list. The action is recorded,
audited and shown to the communication's author.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from clientvault.support.models.forum import Post
from clientvault.support.models.tickets import TicketMessage


class ReviewAction(models.TextChoices):
    KEPT = "kept", "Reviewed and kept"
    HIDDEN = "hidden", "Hidden"
    DELETED = "deleted", "Deleted"
    BLOCKED = "blocked", "Hidden and its author blocked from posting"


_ONE_TARGET = (Q(message__isnull=False) & Q(post__isnull=True)) | (
    Q(message__isnull=True) & Q(post__isnull=False)
)


class Flag(models.Model):
    """A report that a communication breaks the acceptable-use policy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    ground = models.CharField(max_length=40)  # a ground from the profile's list
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=_ONE_TARGET, name="flag_one_target")]

    def __str__(self) -> str:
        return f"flag {self.pk}"


class Review(models.Model):
    """One reviewer's action on one communication, with its ground: kept for good."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField(max_length=8, choices=ReviewAction.choices)
    ground = models.CharField(max_length=40)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(condition=_ONE_TARGET, name="review_one_target"),
            models.CheckConstraint(
                condition=Q(action__in=ReviewAction.values), name="review_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} review"


class PostingBlock(models.Model):
    """A member blocked from posting in the forum after review (until lifted)."""

    person = models.OneToOneField("accounts.Person", on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"block {self.pk}"
