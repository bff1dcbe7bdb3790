"""Calls to the outside systems hosting drives: the control panel and the registrar.

Each call is a row before it is a request: a job claims it, sends it with the row's idempotency
key (so a retry after a timeout never creates or registers twice), and records the outcome. A
failed call that may succeed later is retried with growing delays; one that cannot (a refusal)
or that ran out of attempts stays ``failed`` with the reason, shown on the service or domain.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class CallTarget(models.TextChoices):
    PANEL = "panel", "Control panel"
    REGISTRAR = "registrar", "Registrar"


class CallAction(models.TextChoices):
    CREATE = "create", "Set up"
    SUSPEND = "suspend", "Suspend"
    UNSUSPEND = "unsuspend", "Unsuspend"
    TERMINATE = "terminate", "Remove"
    CHANGE_PLAN = "change_plan", "Change plan"
    REGISTER = "register", "Register"
    TRANSFER = "transfer", "Transfer in"
    RENEW = "renew", "Renew"
    UPDATE_CONTACTS = "update_contacts", "Update contacts"
    SET_ID_PROTECTION = "set_id_protection", "Change ID protection"


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "In progress"
    RETRYING = "retrying", "Waiting to retry"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


OPEN_CALL_STATUSES = (CallStatus.QUEUED, CallStatus.RUNNING, CallStatus.RETRYING)


class RemoteCall(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=16, choices=CallTarget.choices)
    service = models.ForeignKey(
        "hosting.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    domain = models.ForeignKey(
        "hosting.Domain", null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    action = models.CharField(max_length=20, choices=CallAction.choices)
    # What the call needs beyond its target (a plan code, a number of years): no personal data.
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=CallStatus.choices, default=CallStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "retry_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="panel", service__isnull=False, domain__isnull=True))
                | (Q(target="registrar", domain__isnull=False, service__isnull=True)),
                name="call_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.action}"

    @property
    def idempotency_key(self) -> str:
        return f"cv-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CALL_STATUSES
