"""Customers (accounts) and the people on them: one owner and any number of authorised users."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone

from clientvault.privacy.fields import BlindIndexField, VaultField
from clientvault.privacy.models import Subject


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    ORGANISATION = "organisation", "Organisation"


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


# The account status workflow: which status may follow which.
CUSTOMER_TRANSITIONS: dict[str, frozenset[str]] = {
    CustomerStatus.ACTIVE: frozenset({CustomerStatus.SUSPENDED, CustomerStatus.CLOSED}),
    CustomerStatus.SUSPENDED: frozenset({CustomerStatus.ACTIVE, CustomerStatus.CLOSED}),
    CustomerStatus.CLOSED: frozenset(),
}


class Channel(models.TextChoices):
    """How data reached us (COL-2): the customer online, or staff on the customer's behalf."""

    ONLINE = "online", "Online form"
    TELEPHONE = "telephone", "Telephone"
    TICKET = "ticket", "Support ticket"
    STAFF = "staff", "Staff"
    API = "api", "API"


def new_account_number() -> str:
    """A random account number that no account has yet.

    Seven random digits: among ten thousand accounts two would share one, and opening the
    second would fail, so a number in use is drawn again.
    """
    while True:
        number = f"CV-{secrets.randbelow(9_000_000) + 1_000_000}"
        if not Customer.objects.filter(number=number).exists():
            return number


class Customer(models.Model):
    """An account. An organisation account's name, VAT and company numbers are on its
    :class:`~clientvault.accounts.models.organisations.Organisation`, sealed in the vault."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=16, unique=True, default=new_account_number)
    kind = models.CharField(max_length=16, choices=CustomerKind.choices)
    status = models.CharField(
        max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    created_channel = models.CharField(max_length=16, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A reseller sells the operator's services on; resellers' newsletters go to its people.
    is_reseller = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def organisation_name(self) -> str:
        """The organisation's name as the vault gives it; "" for an individual's account."""
        try:
            organisation = self.organisation
        except ObjectDoesNotExist:
            return ""
        return str(organisation.name or "")

    def may_become(self, status: str) -> bool:
        return status in CUSTOMER_TRANSITIONS[self.status]


class CustomerStatusChange(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=CustomerStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CustomerStatus.choices)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class PersonRole(models.TextChoices):
    OWNER = "owner", "Account owner"
    AUTHORISED_USER = "authorised_user", "Authorised user"


class Permission(models.TextChoices):
    """What an authorised user may do on the account; the owner may do everything."""

    BILLING = "billing", "Billing and invoices"
    SERVICES = "services", "Hosting services"
    DOMAINS = "domains", "Domains"
    SUPPORT = "support", "Support tickets"
    CONTACTS = "contacts", "Contacts and authorised users"
    PRIVACY = "privacy", "Privacy requests"


class Person(models.Model):
    """A natural person on an account (a subject). Every personal field lives in the vault."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.OneToOneField(Subject, on_delete=models.PROTECT, related_name="person")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    role = models.CharField(max_length=16, choices=PersonRole.choices)
    permissions = models.JSONField(default=list, blank=True)
    given_name = VaultField()
    family_name = VaultField()
    email = VaultField()
    phone = VaultField()
    address_line1 = VaultField()
    address_line2 = VaultField()
    city = VaultField()
    postal_code = VaultField()
    region = VaultField()
    country = models.CharField(max_length=2, blank=True)
    employer = VaultField()
    job_title = VaultField()
    department = VaultField()
    business_phone = VaultField()
    # When the e-mail address was confirmed (its link followed, an invitation accepted, a
    # password set from a link sent to it). Empty while an account's first address awaits its
    # link: such a login cannot sign in (services.confirmation). A new address is kept on its
    # EmailConfirmation until confirmed, so ``email`` always holds a confirmed one once set.
    email_confirmed_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    email_index = BlindIndexField(source="email", normaliser="email")
    phone_index = BlindIndexField(source="phone", normaliser="phone")
    given_name_index = BlindIndexField(source="given_name", normaliser="text")
    family_name_index = BlindIndexField(source="family_name", normaliser="text")
    created_channel = models.CharField(max_length=16, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(role="owner"), name="one_owner_per_account"
            ),
            models.UniqueConstraint(
                fields=["email_index"],
                condition=models.Q(email_index__isnull=False),
                name="person_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.subject_id}"

    @property
    def is_owner(self) -> bool:
        return self.role == PersonRole.OWNER

    def may(self, permission: str) -> bool:
        return self.is_owner or permission in self.permissions

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ProfileChange(models.Model):
    """One field's change, old -> new, by whom, when and through which channel (CTL-1)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=32)
    old_value = VaultField()
    new_value = VaultField()
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-at"]

    @classmethod
    def keep(
        cls,
        *,
        person: Person,
        changed: Iterable[str],
        old: Mapping[str, str],
        new: Mapping[str, str],
        actor_id: str,
        channel: str,
    ) -> None:
        """Keep each changed field's old and new value, at one moment, in the person's history."""
        now = timezone.now()
        for name in changed:
            cls.objects.create(
                person=person,
                subject_id=person.subject_id,
                field=name,
                old_value=old[name],
                new_value=new[name],
                at=now,
                actor_id=actor_id,
                channel=channel,
            )


class Invitation(models.Model):
    """An invitation to join an account as an authorised user, sent to an e-mail address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invitations")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    email = VaultField()
    permissions = models.JSONField(default=list)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ClientLogEvent(models.TextChoices):
    SIGNED_UP = "signed_up", "Account opened"
    CREATED_BY_STAFF = "created_by_staff", "Account opened on your behalf"
    LOGGED_IN = "logged_in", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere", "Signed out everywhere"
    PROFILE_CHANGED = "profile_changed", "Profile changed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-step sign-in turned on"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-step sign-in turned off"
    SECURITY_ANSWERS_CHANGED = "security_answers_changed", "Security answers changed"
    USER_INVITED = "user_invited", "Authorised user invited"
    USER_JOINED = "user_joined", "Authorised user joined"
    USER_REMOVED = "user_removed", "Authorised user removed"
    PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
    UNAUTHORISED_USE_REPORTED = "unauthorised_use_reported", "Unauthorised use reported"
    REPORT_ACKNOWLEDGED = "report_acknowledged", "Report acknowledged"
    REPORT_RESOLVED = "report_resolved", "Report resolved"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    IDENTITY_CHECKED = "identity_checked", "Identity checked"
    STATUS_CHANGED = "status_changed", "Account status changed"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    POLICY_ACCEPTED = "policy_accepted", "Privacy policy accepted"
    EMAIL_CONFIRMED = "email_confirmed", "E-mail address confirmed"
    EMAIL_CHANGE_REQUESTED = "email_change_requested", "E-mail address change requested"
    # Billing (clientvault.billing writes these; accounts only names them).
    BILLING_DETAILS_CHANGED = "billing_details_changed", "Billing details changed"
    INVOICE_ISSUED = "invoice_issued", "Invoice issued"
    INVOICE_CANCELLED = "invoice_cancelled", "Invoice cancelled"
    PAYMENT_RECEIVED = "payment_received", "Payment received"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    REFUND_MADE = "refund_made", "Payment refunded"
    CREDIT_NOTE_ISSUED = "credit_note_issued", "Credit note issued"
    CREDIT_ADDED = "credit_added", "Account credit added"
    CREDIT_APPLIED = "credit_applied", "Account credit used"
    PAYMENT_METHOD_ADDED = "payment_method_added", "Payment method added"
    PAYMENT_METHOD_REMOVED = "payment_method_removed", "Payment method removed"
    DEFAULT_PAYMENT_METHOD = "default_payment_method", "Default payment method changed"
    PAYMENT_METHOD_EXPIRING = "payment_method_expiring", "Payment method expiring"
    PAYMENT_REMINDER = "payment_reminder", "Payment reminder sent"
    SERVICES_SUSPENDED = "services_suspended", "Services suspended for an unpaid invoice"
    # Hosting (clientvault.hosting writes these).
    ORDER_PLACED = "order_placed", "Order placed"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    SERVICE_STATUS_CHANGED = "service_status_changed", "Service status changed"
    SERVICE_PLAN_CHANGED = "service_plan_changed", "Service plan changed"
    SERVICE_CANCELLATION = "service_cancellation", "Service cancellation requested"
    DOMAIN_REGISTERED = "domain_registered", "Domain registered"
    DOMAIN_TRANSFERRED = "domain_transferred", "Domain transferred in"
    DOMAIN_RENEWED = "domain_renewed", "Domain renewed"
    DOMAIN_CONTACTS_CHANGED = "domain_contacts_changed", "Domain contacts changed"
    DOMAIN_ID_PROTECTION = "domain_id_protection", "Domain ID protection changed"
    DOMAIN_EXPIRED = "domain_expired", "Domain expired"
    DOMAIN_FAILED = "domain_failed", "Domain registration failed"


class ClientLogEntry(models.Model):
    """The account's activity log (COL-7), shown to the customer and to staff.

    ``actor_label`` is a role ("you", "an authorised user", "staff: support"), never a name.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="log")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=32, choices=ClientLogEvent.choices)
    detail = models.CharField(max_length=200, blank=True)
    actor_label = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"])]
