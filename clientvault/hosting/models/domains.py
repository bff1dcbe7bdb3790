"""Domains and their four contacts (registrant, administrative, technical, billing).

A contact is a person and a subject of the privacy kernel: the account's own person where it is
one of them (``person`` set, same subject), otherwise a subject of its own (an outside technical
contact), found by the public rights form through its e-mail's blind index. Every value is in
the vault. The auth code of a domain transferred in is sealed for the account owner.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from clientvault.hosting.names import display_name as readable_name
from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.models import Subject


class ContactRole(models.TextChoices):
    REGISTRANT = "registrant", "Registrant"
    ADMIN = "admin", "Administrative"
    TECH = "tech", "Technical"
    BILLING = "billing", "Billing"


class DomainContact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="domain_contacts"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    # The person on the account this contact copies (their profile changes offer to update it).
    person = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="domain_contacts",
    )
    name = VaultField()
    organisation = VaultField()
    email = VaultField()
    phone = VaultField()
    address_line1 = VaultField()
    address_line2 = VaultField()
    city = VaultField()
    postal_code = VaultField()
    region = VaultField()
    country = models.CharField(max_length=2, blank=True)
    email_index = BlindIndexField(source="email", normaliser="email")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"domain contact {self.subject_id}"


class DomainAction(models.TextChoices):
    REGISTER = "register", "Registration"
    TRANSFER = "transfer", "Transfer in"


class DomainStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    REGISTERING = "registering", "Being registered"
    ACTIVE = "active", "Active"
    FAILED = "failed", "Not registered"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


DOMAIN_TRANSITIONS: dict[str, frozenset[str]] = {
    DomainStatus.PENDING: frozenset({DomainStatus.REGISTERING, DomainStatus.CANCELLED}),
    DomainStatus.REGISTERING: frozenset({DomainStatus.ACTIVE, DomainStatus.FAILED}),
    DomainStatus.FAILED: frozenset({DomainStatus.REGISTERING, DomainStatus.CANCELLED}),
    DomainStatus.ACTIVE: frozenset({DomainStatus.EXPIRED}),
    DomainStatus.EXPIRED: frozenset({DomainStatus.ACTIVE}),
    DomainStatus.CANCELLED: frozenset(),
}
# A name is held by at most one domain row in these statuses.
HELD_STATUSES = (
    DomainStatus.PENDING,
    DomainStatus.REGISTERING,
    DomainStatus.ACTIVE,
    DomainStatus.FAILED,
)


class Domain(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="domains"
    )
    order = models.ForeignKey(
        "hosting.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="domains"
    )
    # The account owner's subject: the auth code is sealed for them.
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=253)  # A-labels (IDNA 2008), lower case
    action = models.CharField(max_length=16, choices=DomainAction.choices)
    status = models.CharField(
        max_length=16, choices=DomainStatus.choices, default=DomainStatus.PENDING
    )
    # Why the last registrar call failed, as the registrar put it ("" otherwise).
    status_reason = models.CharField(max_length=300, blank=True)
    years = models.PositiveSmallIntegerField(default=1)
    auth_code = VaultField(restricted=True)
    id_protection = models.BooleanField(default=False)
    auto_renew = models.BooleanField(default=True)
    expires_on = models.DateField(null=True, blank=True)
    registrant = models.ForeignKey(DomainContact, on_delete=models.PROTECT, related_name="+")
    admin = models.ForeignKey(DomainContact, on_delete=models.PROTECT, related_name="+")
    tech = models.ForeignKey(DomainContact, on_delete=models.PROTECT, related_name="+")
    billing = models.ForeignKey(DomainContact, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(status__in=HELD_STATUSES),
                name="one_live_domain_per_name",
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=10), name="domain_years_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tld(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def display_name(self) -> str:
        """The name as people read it (U-labels for an internationalised name)."""
        return readable_name(self.name)

    def may_become(self, status: str) -> bool:
        return status in DOMAIN_TRANSITIONS[self.status]

    def contact_for(self, role: str) -> DomainContact:
        return {
            ContactRole.REGISTRANT: self.registrant,
            ContactRole.ADMIN: self.admin,
            ContactRole.TECH: self.tech,
            ContactRole.BILLING: self.billing,
        }[ContactRole(role)]


class DomainEventKind(models.TextChoices):
    ORDERED = "ordered", "Ordered"
    REGISTERED = "registered", "Registered"
    TRANSFERRED = "transferred", "Transferred in"
    RENEWED = "renewed", "Renewed"
    CONTACTS_CHANGED = "contacts_changed", "Contacts changed"
    ID_PROTECTION = "id_protection", "ID protection changed"
    FAILED = "failed", "Registrar refused or did not answer"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class DomainEvent(models.Model):
    """A domain's history; ``detail`` is a code or the registrar's sentence, never contact data."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=DomainEventKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
