from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.fields import BlindIndexField, VaultField, lookup
from clientvault.privacy.models import Subject
from clientvault.privacy.services.subjects import create_subject
from clientvault.privacy.vault import Erased, Restricted


class StaffRole(models.TextChoices):
    """Staff roles, kept as groups; each role's purposes come from the policy profile."""

    SUPPORT = "support", "Support"
    BILLING = "billing", "Billing"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    LEGAL = "legal", "Legal"
    ADMINISTRATOR = "administrator", "Administrator"
    MARKETING = "marketing", "Marketing"


class UserManager(DjangoUserManager["User"]):
    """Django's manager; a login given a name or e-mail gets its own subject first.

    Used by ``createsuperuser`` and tests. Customers' logins are made by the account services,
    which link them to the person's subject; staff logins by ``services.staff.create_staff_login``.
    """

    def create_user(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        return self._create(DjangoUserManager.create_user, username, email, password, extra_fields)

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        make = DjangoUserManager.create_superuser
        return self._create(make, username, email, password, extra_fields)

    def _create(
        self,
        make: Callable[..., User],
        username: str,
        email: str | None,
        password: str | None,
        extra: dict[str, Any],
    ) -> User:
        check_email_free(email)
        with transaction.atomic(using=self.db):
            return make(self, username, email, password, **_with_subject(email, extra))


def _with_subject(email: str | None, extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` with a new subject, when the login gets a name or e-mail and has no subject."""
    named = email or extra.get("first_name") or extra.get("last_name")
    if not named or extra.get("subject") is not None or extra.get("subject_id") is not None:
        return extra
    return {**extra, "subject": create_subject(actor=SYSTEM)}


class User(AbstractUser):
    """A login. A customer's login is tied to the subject whose data it holds.

    The name and e-mail address are sealed in the vault for ``subject`` (customers' own are on
    their Person; these are a staff login's), so a login with any of them needs a subject; the
    primary key is a UUID, given before the first save, so they are sealed on insert. A staff
    login is found by e-mail through ``email_index``, which no two logins share. ``username``
    stays a plain column: it is the unique sign-in name Django's authentication and
    ``createsuperuser`` query (erasure replaces it with a pseudonym).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = VaultField(_("first name"))
    last_name = VaultField(_("last name"))
    email = VaultField(_("email address"), validators=[validate_email])
    email_index = BlindIndexField(source="email", normaliser="email")
    subject = models.OneToOneField(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["email_index"],
                condition=models.Q(email_index__isnull=False),
                name="user_email_once",
            )
        ]

    def clean(self) -> None:
        """Django's checks, and no two logins with one e-mail address (it signs staff in)."""
        super().clean()
        check_email_free(self.email, exclude=self)


def check_email_free(email: object, *, exclude: User | None = None) -> None:
    """Refuse an address another login already has, naming the field (before the database
    constraint ``user_email_once`` would)."""
    if not isinstance(email, str) or isinstance(email, Erased | Restricted) or not email.strip():
        return
    others = User.objects.filter(**lookup(User, "email_index", email))
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError({"email": "E-mail address: another login already has this address."})


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        usable = self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        return usable.exclude(user__person__customer__status="closed")


class ApiToken(models.Model):
    """A personal API token: random, shown once, stored as a SHA-256 hash, revocable, expiring."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
