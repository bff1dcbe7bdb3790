"""What the registry publishes of a domain's contacts (RDAP/WHOIS), for the domain's page and
before a contact change is saved (seed 001/002: registration data is public).

:func:`exposure` asks ``handover.published`` what the registry would show of a contact in a
role; when the registrar cannot be asked, it assumes the worst: every field the registrar
receives may be published. :func:`fingerprint` names one list, so a tick given for it cannot
confirm another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from clientvault.hosting.forms.area_contacts import ROLE_LABELS
from clientvault.hosting.models import ContactRole, Domain
from clientvault.hosting.queries import contact_label
from clientvault.hosting.services.contacts import FIELD_LABELS, ContactInput, contact_values
from clientvault.hosting.services.handover import PUBLISHED_ROLES, allowed_fields, published
from clientvault.privacy.profile import current_profile


@dataclass(frozen=True)
class Exposure:
    """What the registry shows of one contact in one role of one domain."""

    domain: str  # as people read it
    role: str  # "Technical contact"
    who: str
    fields: tuple[tuple[str, str], ...]  # (label, value)
    certain: bool = True  # False: the registrar could not be asked; it may publish these

    @property
    def labels(self) -> str:
        return ", ".join(label for label, _ in self.fields)


def _maybe_published(role: str, data: ContactInput) -> tuple[str, ...]:
    if role not in PUBLISHED_ROLES or not current_profile().registry_public:
        return ()
    values = asdict(data)
    return tuple(name for name in allowed_fields() if values.get(name))


def exposure(domain: Domain, role: str, data: ContactInput, who: str) -> Exposure:
    """What the registry of ``domain`` publishes of ``data`` as the contact in ``role``."""
    shown = published(tld=domain.tld, role=role, data=data, id_protection=domain.id_protection)
    names = shown.fields if shown is not None else _maybe_published(role, data)
    values = asdict(data)
    return Exposure(
        domain=domain.display_name,
        role=ROLE_LABELS[ContactRole(role)],
        who=who,
        fields=tuple((FIELD_LABELS[name], values[name]) for name in names),
        certain=shown is not None,
    )


def domain_exposures(domain: Domain) -> list[Exposure]:
    """What the registry publishes of each of the domain's contacts, role by role."""
    found = []
    for role in ContactRole.values:
        contact = domain.contact_for(role)
        found.append(exposure(domain, role, contact_values(contact), contact_label(contact)))
    return found


def public_changes(exposures: Sequence[Exposure]) -> list[Exposure]:
    """The exposures that publish something: what must be confirmed before saving."""
    return [e for e in exposures if e.fields]


def fingerprint(exposures: Sequence[Exposure]) -> str:
    text = repr([(e.domain, e.role, e.who, e.fields, e.certain) for e in exposures])
    return hashlib.sha256(text.encode()).hexdigest()[:32]
