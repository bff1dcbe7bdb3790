"""Request and response bodies of the hosting API (/api/v1/hosting), as they appear in the schema.

Money is a whole number of minor units (cents) with its ISO 4217 currency. Domain names are
given as A-labels (``xn--bcher-kva.example``) with the name as people read it beside them; a
path takes either. Where a service's panel calls or a domain's registrar calls stand is
``provisioning``: ready, in progress (with the next try), or failed (with the reason).

Inputs are checked as the forms check them: unknown fields are refused, text has no control
characters (the rule is published as a ``pattern``), and each value has the forms' length.
Each body is read from its model (``Schema.model_validate(row)``); a ``resolve_<field>`` says
where a field comes from when it is not a column of the same name.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from clientvault.accounts.schemas import CountryCode, StrictSchema
from clientvault.accounts.validation import (
    EMAIL_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    POSTAL_CODE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TEXT_PATTERN,
)
from clientvault.billing.models import Currency, Cycle
from clientvault.hosting.models import (
    CallAction,
    CallStatus,
    ContactRole,
    Domain,
    DomainAction,
    DomainContact,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
    Order,
    OrderStatus,
    ProductKind,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    StatusReason,
)
from clientvault.hosting.names import display_name
from clientvault.hosting.services.calls import last_failed_call, open_call
from clientvault.hosting.services.contacts import contact_values
from clientvault.hosting.services.handover import published

MINOR = "In minor units (cents) of the currency."
MAX_LINES = 20


def _text(limit: int, description: str = "") -> Any:
    return Field(
        max_length=limit, description=description, json_schema_extra={"pattern": TEXT_PATTERN}
    )


# -- the catalogue ----------------------------------------------------------------------------


class PriceOut(Schema):
    cycle: Cycle
    amount: int = Field(description=f"The price of one billing cycle, before VAT. {MINOR}")


class PlanOut(Schema):
    """A plan on sale, with its price for each billing cycle in your account's currency."""

    code: str = Field(description="What an order names, e.g. shared-plus.")
    name: str
    product: str = Field(description="The product's code, e.g. shared.")
    product_name: str
    kind: ProductKind
    needs_domain: bool = Field(description="Whether an order of it names the domain it serves.")
    disk_mb: int = Field(description="Disk space; 0 for none (an add-on).")
    bandwidth_mb: int = Field(description="Monthly traffic; 0 for unmetered.")
    prices: list[PriceOut]


class DomainPriceOut(Schema):
    ending: str = Field(description="The domain ending, e.g. com.")
    yearly: int = Field(description=f"A year's registration, transfer or renewal. {MINOR}")


class CatalogueOut(Schema):
    currency: Currency
    plans: list[PlanOut]
    domains: list[DomainPriceOut] = Field(description="The domain endings we register.")


# -- calls to the control panel and the registrar -----------------------------------------------


class CallOut(Schema):
    action: CallAction
    status: CallStatus
    attempts: int
    last_error: str = Field(
        description="Why the last attempt failed, as the panel or registrar said; '' if none."
    )
    retry_at: datetime.datetime | None = Field(description="When it is tried next, if waiting.")
    created_at: datetime.datetime


class ProvisioningOut(Schema):
    state: Literal["ready", "in_progress", "failed"] = Field(
        description="ready: nothing is waiting; in_progress: a call is under way (see call); "
        "failed: the newest call failed for good (see call.last_error); staff may try it "
        "again."
    )
    call: CallOut | None


def provisioning(*, service: Service | None = None, domain: Domain | None = None) -> dict[str, Any]:
    """A ``ProvisioningOut`` to validate: the state, and the call it is about (a row)."""
    waiting = open_call(service=service, domain=domain)
    if waiting is not None:
        return {"state": "in_progress", "call": waiting}
    failed = last_failed_call(service=service, domain=domain)
    if failed is not None:
        return {"state": "failed", "call": failed}
    return {"state": "ready", "call": None}


# -- services ---------------------------------------------------------------------------------


class ServiceOut(Schema):
    """A hosting service, as the list shows it."""

    reference: str
    product: str
    plan: str = Field(description="The plan's code.")
    plan_name: str
    cycle: Cycle
    status: ServiceStatus
    domain: str = Field(description="The domain it serves, as A-labels; '' for none.")
    domain_unicode: str = Field(description="The same as people read it.")
    next_due_on: datetime.date | None
    cancel_on: datetime.date | None = Field(description="The day it ends, if cancelled so.")
    created_at: datetime.datetime
    provisioning: ProvisioningOut

    @staticmethod
    def resolve_product(service: Service) -> str:
        return service.plan.product.code

    @staticmethod
    def resolve_plan(service: Service) -> str:
        return service.plan.code

    @staticmethod
    def resolve_plan_name(service: Service) -> str:
        return service.plan.name

    @staticmethod
    def resolve_domain_unicode(service: Service) -> str:
        return display_name(service.domain) if service.domain else ""

    @staticmethod
    def resolve_provisioning(service: Service) -> dict[str, Any]:
        return provisioning(service=service)


class StatusChangeOut(Schema):
    at: datetime.datetime
    from_status: ServiceStatus | None = Field(description="null for the first status.")
    to_status: ServiceStatus
    reason: StatusReason

    @staticmethod
    def resolve_from_status(change: ServiceStatusChange) -> str | None:
        return change.from_status or None


class ServiceDetailOut(ServiceOut):
    """A service with its status history, newest first."""

    history: list[StatusChangeOut]

    @staticmethod
    def resolve_history(service: Service) -> list[ServiceStatusChange]:
        return list(service.history.all()[:50])


class CancelIn(StrictSchema):
    when: Literal["now", "end_of_term"] = Field(
        description="now: billing stops and the service is removed; end_of_term: it runs "
        "until its next due date, which is not billed."
    )


class PlanChangeIn(StrictSchema):
    plan: Annotated[str, _text(64)] = Field(
        description="The code of another plan of the same product (see /hosting/plans)."
    )


# -- orders -----------------------------------------------------------------------------------


class OrderLineIn(StrictSchema):
    """A plan (and the domain it serves), or a domain on its own."""

    plan: Annotated[str, _text(64)] | None = Field(
        None, description="A plan's code; null to order a domain only."
    )
    cycle: Cycle = Field(Cycle.MONTHLY, description="The plan's billing cycle.")
    domain: Annotated[str, _text(253)] = Field(
        "", description="The domain the plan serves, or the one to register or transfer."
    )
    domain_action: Literal["", "register", "transfer"] = Field(
        "",
        description="register or transfer the domain here; '' when it is registered elsewhere "
        "(or the plan needs none).",
    )
    auth_code: Annotated[str, _text(64)] = Field(
        "", description="For a transfer: the auth (EPP) code from the current registrar."
    )
    years: int = Field(1, ge=1, le=10, description="Years of registration.")
    id_protection: StrictBool = Field(
        False, description="Hide the registrant's details in the registry, where it allows it."
    )


class OrderIn(StrictSchema):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class OrderOut(Schema):
    """An order and the invoice that pays for it; once paid, what it orders is set up."""

    number: str
    status: OrderStatus
    invoice: str | None = Field(description="The invoice's number (see /billing/invoices).")
    total: int = Field(description=f"The invoice's total, VAT included. {MINOR}")
    currency: Currency
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    services: list[str] = Field(description="The references of the services it orders.")
    domains: list[str] = Field(description="The domains it registers or transfers.")
    renews: str | None = Field(description="The domain a renewal order renews, else null.")

    @staticmethod
    def resolve_invoice(order: Order) -> str | None:
        return order.invoice.display_number if order.invoice else None

    @staticmethod
    def resolve_total(order: Order) -> int:
        return order.invoice.total if order.invoice else 0

    @staticmethod
    def resolve_currency(order: Order) -> str:
        return order.invoice.currency if order.invoice else Currency.EUR

    @staticmethod
    def resolve_services(order: Order) -> list[str]:
        return list(order.services.values_list("reference", flat=True))

    @staticmethod
    def resolve_domains(order: Order) -> list[str]:
        return list(order.domains.values_list("name", flat=True))

    @staticmethod
    def resolve_renews(order: Order) -> str | None:
        return order.renew_domain.name if order.renew_domain else None


# -- domain contacts --------------------------------------------------------------------------


Name = Annotated[str, _text(TEXT_MAX_LENGTH)]
ContactEmail = Annotated[str, _text(EMAIL_MAX_LENGTH)]
ContactPhone = Annotated[str, _text(PHONE_MAX_LENGTH)]
ContactPostalCode = Annotated[str, _text(POSTAL_CODE_MAX_LENGTH)]


class ContactUseOut(Schema):
    domain: str
    roles: list[ContactRole]


class ContactOut(Schema):
    """A person (or organisation) named as a domain's contact."""

    id: uuid.UUID
    name: str
    organisation: str
    email: str
    phone: str = Field(description="E.164 form.")
    address_line1: str
    address_line2: str
    city: str
    postal_code: str
    region: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    account_person: bool = Field(
        description="true: a copy of a person on the account; false: an outside contact."
    )
    used_by: list[ContactUseOut] = Field(description="The domains and roles that name it.")

    @staticmethod
    def resolve_account_person(contact: DomainContact) -> bool:
        return contact.person_id is not None

    @staticmethod
    def resolve_used_by(contact: DomainContact) -> list[dict[str, Any]]:
        domains = Domain.objects.filter(customer_id=contact.customer_id).exclude(
            status=DomainStatus.CANCELLED
        )
        uses = []
        for domain in domains:
            roles = [r for r in ContactRole.values if getattr(domain, f"{r}_id") == contact.pk]
            if roles:
                uses.append({"domain": domain.name, "roles": roles})
        return uses


class ContactIn(StrictSchema):
    """A contact's details. Name or organisation, and e-mail, telephone, address, town and
    country are needed; the telephone and postal code are checked for the country."""

    name: Name = ""
    organisation: Name = ""
    email: ContactEmail
    phone: ContactPhone = Field(description="With its country code if abroad.")
    address_line1: Name
    address_line2: Name = ""
    city: Name
    postal_code: ContactPostalCode = ""
    region: Name = ""
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 code, e.g. GB.")


class ContactPatch(StrictSchema):
    """Only the fields sent change; the contact is then checked whole, as ``ContactIn``."""

    name: Name | None = None
    organisation: Name | None = None
    email: ContactEmail | None = None
    phone: ContactPhone | None = None
    address_line1: Name | None = None
    address_line2: Name | None = None
    city: Name | None = None
    postal_code: ContactPostalCode | None = None
    region: Name | None = None
    country: CountryCode | None = None


class RoleContactIn(StrictSchema):
    """Exactly one of: ``contact``, one of your account's contacts, or ``new_contact``."""

    contact: uuid.UUID | None = Field(None, description="A contact's id from /hosting/contacts.")
    new_contact: ContactIn | None = Field(None, description="A new outside contact.")


# -- domains ----------------------------------------------------------------------------------


class DomainOut(Schema):
    """A domain, as the list shows it."""

    name: str = Field(description="A-labels, lower case.")
    unicode_name: str = Field(description="As people read it.")
    status: DomainStatus
    status_reason: str = Field(description="Why the last registrar call failed, or ''.")
    action: DomainAction
    expires_on: datetime.date | None
    auto_renew: bool
    id_protection: bool

    @staticmethod
    def resolve_unicode_name(domain: Domain) -> str:
        return domain.display_name


class RoleOut(Schema):
    role: ContactRole
    contact: ContactOut
    published: list[str] | None = Field(
        description="The contact's fields the registry publishes in this role (RDAP/WHOIS); "
        "null when the registrar cannot be asked now."
    )


class DomainEventOut(Schema):
    at: datetime.datetime
    kind: DomainEventKind
    detail: str

    @staticmethod
    def resolve_detail(event: DomainEvent) -> str:
        return event.detail


class DomainDetailOut(DomainOut):
    """A domain with its four contacts, where its registrar calls stand, and its history."""

    contacts: list[RoleOut]
    provisioning: ProvisioningOut
    history: list[DomainEventOut] = Field(description="Newest first, at most 50.")

    @staticmethod
    def resolve_contacts(domain: Domain) -> list[dict[str, Any]]:
        return [_role(domain, role) for role in ContactRole]

    @staticmethod
    def resolve_provisioning(domain: Domain) -> dict[str, Any]:
        return provisioning(domain=domain)

    @staticmethod
    def resolve_history(domain: Domain) -> list[DomainEvent]:
        return list(domain.events.all()[:50])


def _role(domain: Domain, role: ContactRole) -> dict[str, Any]:
    contact = domain.contact_for(role)
    shown = published(
        tld=domain.tld, role=role, data=contact_values(contact), id_protection=domain.id_protection
    )
    return {
        "role": role,
        "contact": contact,
        "published": list(shown.fields) if shown is not None else None,
    }


class RenewIn(StrictSchema):
    years: int = Field(ge=1, le=10)


class IdProtectionIn(StrictSchema):
    enabled: StrictBool
