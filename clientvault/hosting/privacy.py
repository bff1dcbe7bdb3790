"""Declarations of hosting's models (COL-7, CTL-3, SHR-2).

Services, orders and their history are the account's records ("account status, choice of
services", COL-7). A domain contact is a person in the vault; each value is declared with the
category the profile's ``sharing.registrar`` is written in, so what reaches the registrar is
exactly what the profile names. The auth code of a domain transferred in is sealed and read
only through ``reveal()`` for domain registration.
"""

from __future__ import annotations

from clientvault.privacy import inventory as inv

ACCOUNT_ROWS = "customer__people__subject"
SERVICE = ["service", "support"]
DOMAINS = ["service", "support", "domain_registration"]


def _record(category: str = "system.operations") -> inv.Personal:
    """A record of the account's services, deleted with the account's data."""
    return inv.personal(category, purposes=SERVICE, erasure="delete")


def _contact(category: str) -> inv.Personal:
    return inv.personal(category, purposes=DOMAINS, erasure="shred")


inv.declare(
    "hosting.Product",
    subject=None,
    description="The products on sale",
    fields={
        "id": inv.not_personal("row id"),
        "code": inv.not_personal("product code"),
        "name": inv.not_personal("product name"),
        "kind": inv.not_personal("shared, VPS, dedicated or add-on"),
        "description": inv.not_personal("what it is"),
        "needs_domain": inv.not_personal("whether a service serves a domain"),
        "position": inv.not_personal("order on the page"),
    },
)

inv.declare(
    "hosting.HostingPlan",
    subject=None,
    description="The plans of each product: the panel's plan and its limits",
    fields={
        "id": inv.not_personal("row id"),
        "product": inv.not_personal("link to the product"),
        "billing_plan": inv.not_personal("link to the billing plan"),
        "panel_plan": inv.not_personal("the control panel's plan code"),
        "disk_mb": inv.not_personal("disk limit"),
        "bandwidth_mb": inv.not_personal("bandwidth limit"),
        "rank": inv.not_personal("size among the product's plans"),
        "is_active": inv.not_personal("on sale"),
    },
)

inv.declare(
    "hosting.Order",
    subject=ACCOUNT_ROWS,
    description="Orders for services and domains, and the invoice that pays for each",
    fields={
        "id": inv.not_personal("row id"),
        "number": inv.not_personal("random order number"),
        "customer": inv.not_personal("link to the account"),
        "invoice": inv.not_personal("link to the invoice"),
        "status": _record(),
        "channel": inv.not_personal("online, staff or API"),
        "placed_by": inv.not_personal("link to the login that placed it"),
        "renew_domain": inv.not_personal("link to the domain a renewal renews"),
        "renew_years": inv.not_personal("years a renewal adds"),
        "created_at": inv.not_personal("when"),
        "paid_at": inv.not_personal("when"),
        "cancelled_at": inv.not_personal("when"),
    },
)

inv.declare(
    "hosting.Service",
    subject=ACCOUNT_ROWS,
    description="Hosting services: plan, cycle, status, next due date and the domain each "
    "serves (COL-7: choice of services and account status)",
    fields={
        "id": inv.not_personal("row id"),
        "reference": inv.not_personal("random reference, also the panel's"),
        "customer": inv.not_personal("link to the account"),
        "order": inv.not_personal("link to the order"),
        "plan": _record(),
        "cycle": _record(),
        "subscription": inv.not_personal("link to the billing subscription"),
        "status": _record(),
        "domain": inv.personal("user.unique_id", purposes=SERVICE, erasure="delete"),
        "panel_username": inv.personal("user.unique_id", purposes=SERVICE, erasure="delete"),
        "next_due_on": _record(),
        "cancel_on": _record(),
        "created_at": inv.not_personal("when"),
        "updated_at": inv.not_personal("when"),
    },
)

inv.declare(
    "hosting.ServiceStatusChange",
    subject="service__customer__people__subject",
    description="Each service's status history, with a reason code",
    fields={
        "id": inv.not_personal("row id"),
        "service": inv.not_personal("link to the service"),
        "from_status": _record(),
        "to_status": _record(),
        "reason": _record(),
        "at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who changed it"),
    },
)

_CONTACT_FIELDS = {
    "name": "user.name",
    "organisation": "user.name",  # the holder's name when the holder is an organisation
    "email": "user.contact.email",
    "phone": "user.contact.phone_number",
    "address_line1": "user.contact.address",
    "address_line2": "user.contact.address",
    "city": "user.contact.address",
    "postal_code": "user.contact.address",
    "region": "user.contact.address",
}
CONTACT_CATEGORIES = {**_CONTACT_FIELDS, "country": "user.contact.address"}

inv.declare(
    "hosting.DomainContact",
    subject="subject",
    updater="clientvault.hosting.services.contacts.correct_contact_field",
    correctable=[*_CONTACT_FIELDS, "country"],
    description="Domain contacts (registrant, administrative, technical, billing): an account's "
    "own people or outside people, each a data subject (CTL-3, SHR-2)",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account that manages the contact"),
        "subject": inv.not_personal("link to the subject"),
        "person": inv.not_personal("link to the account's person it copies"),
        **{name: _contact(category) for name, category in _CONTACT_FIELDS.items()},
        "country": inv.personal("user.contact.address", purposes=DOMAINS, erasure="clear"),
        "email_index": inv.personal("user.contact.email", purposes=["security"], erasure="clear"),
        "created_at": inv.not_personal("when"),
        "updated_at": inv.not_personal("when"),
    },
)

inv.declare(
    "hosting.Domain",
    # The account owner holds the domain (its auth code is sealed for them).
    subject="subject",
    description="Domains: name, status, expiry, ID protection and the four contacts",
    fields={
        "id": inv.not_personal("row id"),
        "customer": inv.not_personal("link to the account"),
        "order": inv.not_personal("link to the order"),
        "subject": inv.not_personal("link to the account owner's subject"),
        "name": inv.personal("user.unique_id", purposes=DOMAINS, erasure="delete"),
        "action": inv.not_personal("registration or transfer"),
        "status": _record(),
        "status_reason": _record(),
        "years": _record(),
        "auth_code": inv.personal(
            "user.authorization.credentials",
            purposes=["domain_registration"],
            erasure="shred",
            shown=False,
        ),
        "id_protection": _record(),
        "auto_renew": _record(),
        "expires_on": _record(),
        "registrant": inv.not_personal("link to the registrant contact"),
        "admin": inv.not_personal("link to the administrative contact"),
        "tech": inv.not_personal("link to the technical contact"),
        "billing": inv.not_personal("link to the billing contact"),
        "created_at": inv.not_personal("when"),
        "updated_at": inv.not_personal("when"),
    },
)

inv.declare(
    "hosting.DomainEvent",
    subject="domain__subject",
    description="Each domain's history: registration, transfer, renewals, contact changes",
    fields={
        "id": inv.not_personal("row id"),
        "domain": inv.not_personal("link to the domain"),
        "kind": _record(),
        "detail": _record(),
        "at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who did it"),
    },
)

inv.declare(
    "hosting.RemoteCall",
    subject=ACCOUNT_ROWS,
    retention=inv.RowRetention(period="task_results", age_field="created_at"),
    description="Calls to the control panel and the registrar, and their outcome",
    fields={
        "id": inv.not_personal("random id, also the idempotency key"),
        "customer": inv.not_personal("link to the account"),
        "target": inv.not_personal("panel or registrar"),
        "service": inv.not_personal("link to the service"),
        "domain": inv.not_personal("link to the domain"),
        "action": _record(),
        "arguments": inv.not_personal("plan code or years; never contact data"),
        "status": _record(),
        "attempts": inv.not_personal("how many tries"),
        "last_error": _record(),
        "claimed_at": inv.not_personal("when a worker took it"),
        "retry_at": inv.not_personal("when it is tried again"),
        "created_at": inv.not_personal("when"),
        "finished_at": inv.not_personal("when"),
        "actor_id": inv.not_personal("id of who asked"),
    },
)
