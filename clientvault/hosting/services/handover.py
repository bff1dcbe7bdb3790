"""What reaches the registrar: each contact cut down to the profile's ``sharing.registrar``
categories, every hand-over recorded in the disclosure register, and what becomes public.

The register entry is written when the data leaves (the call's first attempt), not when the
registrar confirms: data the registrar received before it timed out has been disclosed all the
same. One entry per contact subject per hand-over, naming the categories actually sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.core.cache import cache

from clientvault.hosting.models import ContactRole, Domain, DomainContact, RemoteCall
from clientvault.hosting.privacy import CONTACT_CATEGORIES
from clientvault.hosting.registrars.base import ContactData, RegistrarError, TldPolicy
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.services.contacts import FIELD_LABELS, ContactInput, contact_values
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import DisclosureGround, RecipientKind
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.disclosures import disclose

REGISTRATION = SystemActor("domain_registration")
PUBLISHED_ROLES = (ContactRole.REGISTRANT, ContactRole.ADMIN, ContactRole.TECH)
POLICY_CACHE_SECONDS = 3600


def allowed_fields() -> tuple[str, ...]:
    """The contact fields the profile lets the registrar have."""
    allowed = set(current_profile().registrar_categories)
    return tuple(name for name, category in CONTACT_CATEGORIES.items() if category in allowed)


def contact_data(contact: DomainContact) -> ContactData:
    """The contact as the registrar gets it: "" for whatever the profile does not allow."""
    allowed = allowed_fields()
    values = asdict(contact_values(contact))
    return ContactData(**{name: (v if name in allowed else "") for name, v in values.items()})


def contacts_for(domain: Domain) -> dict[str, ContactData]:
    return {role.value: contact_data(domain.contact_for(role)) for role in ContactRole}


def _categories_sent(data: ContactData) -> list[str]:
    sent = [CONTACT_CATEGORIES[name] for name, value in asdict(data).items() if value]
    return list(dict.fromkeys(sent))


def record_handover(*, call: RemoteCall, domain: Domain, roles: Iterable[str]) -> int:
    """One register entry per subject among the roles' contacts; how many (once per call)."""
    if call.arguments.get("disclosed"):
        return 0
    contacts = {domain.contact_for(role) for role in roles}
    recorded = 0
    for contact in sorted(contacts, key=lambda c: str(c.pk)):
        recorded += _disclose_contact(call, domain, contact)
    call.arguments = {**call.arguments, "disclosed": True}
    call.save(update_fields=["arguments"])
    return recorded


def _disclose_contact(call: RemoteCall, domain: Domain, contact: DomainContact) -> int:
    categories = _categories_sent(contact_data(contact))
    if not categories or contact.subject.is_erased:
        return 0
    disclose(
        subject=contact.subject,
        recipient_kind=RecipientKind.REGISTRAR,
        recipient=current_registrar().label,
        categories=categories,
        ground=DisclosureGround.CONTRACT,
        reference=f"{call.get_action_display()}: {domain.name}"[:200],
        actor=REGISTRATION,
    )
    return 1


# -- what the registry publishes ------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What the registry will show of a contact in one role, and whether that can be hidden."""

    role: str
    fields: tuple[str, ...]  # ContactData field names
    id_protection_allowed: bool

    @property
    def labels(self) -> list[str]:
        return [FIELD_LABELS[name] for name in self.fields]


def tld_policy(tld: str) -> TldPolicy | None:
    """The registry's rules for an ending (cached an hour); None if the registrar is down."""
    key = f"hosting:tld-policy:{tld}"
    policy = cache.get(key)
    if policy is None:
        try:
            policy = current_registrar().policy(tld)
        except RegistrarError:
            return None
        cache.set(key, policy, POLICY_CACHE_SECONDS)
    return policy if isinstance(policy, TldPolicy) else None


def published(
    *, tld: str, role: str, data: ContactInput, id_protection: bool
) -> Publication | None:
    """The fields of ``data`` the registry publishes in ``role``; None if it cannot be told."""
    policy = tld_policy(tld)
    if policy is None:
        return None
    if role not in PUBLISHED_ROLES or not current_profile().registry_public:
        return Publication(role, (), policy.id_protection_allowed)
    public = set(policy.public_fields)
    if id_protection and policy.id_protection_allowed:
        public = {"country"}
    allowed, values = allowed_fields(), asdict(data)
    shown = tuple(n for n in FIELD_LABELS if n in public and n in allowed and values.get(n))
    return Publication(role, shown, policy.id_protection_allowed)


def days_left(domain: Domain, today: datetime.date) -> int | None:
    return (domain.expires_on - today).days if domain.expires_on else None
