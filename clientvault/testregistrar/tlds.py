"""What each top-level domain's registry publishes and allows: the test registrar's fixed table.

``public_fields`` are the contact fields a registry shows to anyone in its RDAP (and WHOIS)
service; with ID protection on, a registry that allows it shows the country and nothing else.
``.us`` publishes everything and forbids privacy services; ``.eu`` shows only the organisation
and country, so it offers no ID protection (there is nothing more to hide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The fields of a domain contact, as clientvault's ContactData names them.
CONTACT_FIELDS = (
    "name",
    "organisation",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "postal_code",
    "region",
    "country",
)
ROLES = ("registrant", "admin", "tech", "billing")
PUBLISHED_ROLES = ("registrant", "admin", "tech")  # the billing contact is never published
PROTECTED_FIELDS = ("country",)  # what stays public under ID protection
REDACTED = "REDACTED FOR PRIVACY"


@dataclass(frozen=True)
class Tld:
    tld: str
    public_fields: tuple[str, ...]
    id_protection_allowed: bool
    min_years: int = 1
    max_years: int = 10

    def view(self) -> dict[str, Any]:
        return {
            "tld": self.tld,
            "public_fields": list(self.public_fields),
            "id_protection_allowed": self.id_protection_allowed,
            "min_years": self.min_years,
            "max_years": self.max_years,
        }

    def published(self, *, id_protection: bool) -> tuple[str, ...]:
        """The fields anyone may read for a contact of a domain under this TLD."""
        return PROTECTED_FIELDS if id_protection else self.public_fields


_GENERIC = ("organisation", "region", "country")

TLDS: dict[str, Tld] = {
    "com": Tld("com", _GENERIC, id_protection_allowed=True),
    "net": Tld("net", _GENERIC, id_protection_allowed=True),
    "org": Tld("org", _GENERIC, id_protection_allowed=True),
    "eu": Tld("eu", ("organisation", "country"), id_protection_allowed=False),
    "us": Tld("us", CONTACT_FIELDS, id_protection_allowed=False),
    "test": Tld("test", _GENERIC, id_protection_allowed=True),
}
