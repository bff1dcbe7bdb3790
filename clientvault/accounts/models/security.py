"""Sign-in security: sessions, login history, security answers, reports, identity checks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from clientvault.accounts.models.customers import Channel, Customer, Person
from clientvault.privacy.fields import VaultField
from clientvault.privacy.models import Subject


class SecurityQuestion(models.TextChoices):
    FIRST_SCHOOL = "first_school", "What was the name of your first school?"
    BIRTH_TOWN = "birth_town", "In which town were you born?"
    FIRST_PET = "first_pet", "What was the name of your first pet?"
    CHILDHOOD_STREET = "childhood_street", "On which street did you grow up?"
    FAVOURITE_BOOK = "favourite_book", "What is your favourite book?"


class SecurityAnswer(models.Model):
    """A security answer, normalised and hashed with argon2; never shown again (SEC-2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_answers"
    )
    question = models.CharField(max_length=32, choices=SecurityQuestion.choices)
    answer_hash = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_answer_per_question")
        ]


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", "Signed in"
    FAILURE = "failure", "Wrong password or code"
    LOCKED = "locked", "Locked out"


class LoginEvent(models.Model):
    """Login history (COL-12): time, IP address and browser; the IP address is in the vault."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=LoginOutcome.choices)
    ip_address = VaultField()
    browser = VaultField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"])]


class UserSession(models.Model):
    """A signed-in session, so a person can see and end their sessions.

    It names its session as the session store does, by the digest of the session key
    (``StoredSession.key_digest``), never by the key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    key_digest = models.CharField(max_length=64, unique=True)
    ip_address = VaultField()
    browser = VaultField()
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by staff"
    RESOLVED = "resolved", "Resolved"


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.OPEN: frozenset({ReportStatus.ACKNOWLEDGED, ReportStatus.RESOLVED}),
    ReportStatus.ACKNOWLEDGED: frozenset({ReportStatus.RESOLVED}),
    ReportStatus.RESOLVED: frozenset(),
}


class UnauthorisedUseReport(models.Model):
    """A customer's report of unauthorised use of the account (SEC-3), raised to staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reports")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    description = VaultField()
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class CheckMethod(models.TextChoices):
    SECURITY_ANSWER = "security_answer", "Security answer"
    EMAIL_CODE = "email_code", "One-time code to the e-mail on record"
    PHONE_CODE = "phone_code", "One-time code to the telephone on record"


class CheckStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the caller"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired unused"


# The identity check workflow: a pending check is decided once, and stays decided.
CHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    CheckStatus.PENDING: frozenset({CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.EXPIRED}),
    CheckStatus.PASSED: frozenset(),
    CheckStatus.FAILED: frozenset(),
    CheckStatus.EXPIRED: frozenset(),
}
MAX_CHECK_ATTEMPTS = 5
CHECK_CHANNELS = (Channel.TELEPHONE, Channel.TICKET)


class IdentityCheck(models.Model):
    """A staff member's check of a caller's identity before revealing details (CTL-6)."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_checks"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_checks")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    method = models.CharField(max_length=16, choices=CheckMethod.choices)
    status = models.CharField(
        max_length=16, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    code_digest = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CheckStatus.values),
                name="identitycheck_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=CHECK_CHANNELS),
                name="identitycheck_channel_has_a_caller",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__gte=0, attempts__lte=MAX_CHECK_ATTEMPTS),
                name="identitycheck_attempts_within_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(status=CheckStatus.PENDING, decided_at__isnull=True)
                | (~models.Q(status=CheckStatus.PENDING) & models.Q(decided_at__isnull=False)),
                name="identitycheck_decided_has_decision_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CheckStatus.PASSED)
                | models.Q(valid_until__isnull=False),
                name="identitycheck_passed_has_validity",
            ),
        ]

    @property
    def is_decided(self) -> bool:
        return self.status != CheckStatus.PENDING

    def may_become(self, status: str) -> bool:
        return status in CHECK_TRANSITIONS[self.status]


class ThrottleBucket(models.Model):
    """A counter per scope and key digest (IP or identifier) per time window, in the database.

    It works the same with many web processes, for every throttled route and for the sign-in
    lockout, whose windows are single seconds (see clientvault.accounts.throttle).
    """

    scope = models.CharField(max_length=32)
    key_digest = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_digest", "window_start"], name="throttle_bucket_once"
            )
        ]
