"""Hosting services: one per plan ordered, with its status workflow and its history."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q

from clientvault.hosting.models.catalogue import HostingPlan


class ServiceStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CANCELLED = "cancelled", "Cancelled"
    TERMINATED = "terminated", "Terminated"


# The service workflow: which status may follow which (anything else is refused).
SERVICE_TRANSITIONS: dict[str, frozenset[str]] = {
    ServiceStatus.PENDING: frozenset({ServiceStatus.ACTIVE, ServiceStatus.CANCELLED}),
    ServiceStatus.ACTIVE: frozenset({ServiceStatus.SUSPENDED, ServiceStatus.CANCELLED}),
    ServiceStatus.SUSPENDED: frozenset({ServiceStatus.ACTIVE, ServiceStatus.CANCELLED}),
    ServiceStatus.CANCELLED: frozenset({ServiceStatus.TERMINATED}),
    ServiceStatus.TERMINATED: frozenset(),
}
LIVE_STATUSES = (ServiceStatus.PENDING, ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)


class StatusReason(models.TextChoices):
    """Why a service changed status: a code, so no free text about a person is kept here."""

    ORDERED = "ordered", "Ordered"
    PAID = "paid", "Paid"
    PROVISIONED = "provisioned", "Set up on the server"
    UNPAID = "unpaid", "An invoice is unpaid"
    PAYMENT_RECEIVED = "payment_received", "Payment received"
    CUSTOMER_CANCELLED = "customer_cancelled", "Cancelled by the customer"
    STAFF_CANCELLED = "staff_cancelled", "Cancelled by staff"
    END_OF_TERM = "end_of_term", "Cancelled at the end of its term"
    ORDER_CANCELLED = "order_cancelled", "The order was cancelled"
    ABUSE = "abuse", "Breach of the acceptable-use policy"
    STAFF = "staff", "By staff"
    TERMINATED = "terminated", "Removed from the server"


def new_service_reference() -> str:
    return f"svc-{secrets.token_hex(6)}"


class Service(models.Model):
    reference = models.CharField(max_length=20, unique=True, default=new_service_reference)
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="services"
    )
    order = models.ForeignKey(
        "hosting.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    plan = models.ForeignKey(HostingPlan, on_delete=models.PROTECT, related_name="services")
    cycle = models.CharField(max_length=16)  # a billing.Cycle value
    subscription = models.OneToOneField(
        "billing.Subscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service",
    )
    status = models.CharField(
        max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.PENDING
    )
    domain = models.CharField(max_length=253, blank=True)  # the domain it serves (A-labels)
    panel_username = models.CharField(max_length=64, blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    # Cancellation at the end of the term: the day the service stops (its next due date).
    cancel_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="service_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def may_become(self, status: str) -> bool:
        return status in SERVICE_TRANSITIONS[self.status]

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class ServiceStatusChange(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=16, choices=ServiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ServiceStatus.choices)
    reason = models.CharField(max_length=32, choices=StatusReason.choices)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
