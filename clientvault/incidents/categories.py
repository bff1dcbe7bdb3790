"""Which categories of a person's data an access put in front of someone, from the inventory.

The access log says *what* a page showed as a code (``customer.person:phone``, ``billing.invoice``)
and a reveal names the model and field it opened. A reveal maps exactly: the declared field's
category. A page's code maps, by its part before ``:``, to the models that page shows
(:data:`PAGE_MODELS`, kept beside the pages' own ``record_access`` calls); its categories are
those models' declared personal categories that a page shows without a reveal: restricted
categories (cards, message contents) are read only through ``reveal()``, which logs its own
entries, and credentials are never shown. A code this table does not know maps to every such
category the inventory declares for a person, as *could have been seen*: an overestimate, never
an omission.
"""

from __future__ import annotations

from functools import cache

from clientvault.privacy.inventory import Personal, registry
from clientvault.privacy.taxonomy import SENSITIVE_PREFIX, is_restricted

NEVER_SHOWN = frozenset({"user.authorization.credentials"})

# A page's access code (before ":") -> the declared models whose data the page shows.
PAGE_MODELS: dict[str, tuple[str, ...]] = {
    "customer.person": ("accounts.Person", "accounts.Customer"),
    "person.edit": ("accounts.Person",),
    "unauthorised_use_report": ("accounts.UnauthorisedUseReport", "accounts.Person"),
    "billing.account": (
        "billing.BillingAccount",
        "billing.Invoice",
        "billing.Payment",
        "billing.CreditEntry",
        "billing.PaymentMethod",
    ),
    "billing.invoice": ("billing.Invoice", "billing.InvoiceLine", "billing.Payment"),
    "hosting.account": ("hosting.Service", "hosting.Domain", "hosting.Order"),
    "hosting.service": ("hosting.Service", "hosting.ServiceStatusChange"),
    "hosting.domain": ("hosting.Domain", "hosting.DomainEvent"),
    "hosting.domain_contact": ("hosting.DomainContact",),
    "support.ticket": ("support.Ticket", "support.TicketEvent", "accounts.Person"),
    "rights.request": ("rights.RightsRequest", "rights.RequestEvent"),
}


def _shown(spec: Personal) -> bool:
    category = spec.category
    return not (
        is_restricted(category) or category in NEVER_SHOWN or category.startswith(SENSITIVE_PREFIX)
    )


def _categories_of(labels: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for label in labels:
        declaration = registry.get(label)
        if declaration is not None:
            found |= {spec.category for _, spec in declaration.personal_fields() if _shown(spec)}
    return frozenset(found)


@cache
def page_categories(code: str) -> tuple[frozenset[str], bool]:
    """The categories a page's access code shows, and whether the code is known (exact)."""
    labels = PAGE_MODELS.get(code.partition(":")[0])
    if labels is not None:
        return _categories_of(labels), True
    return fallback_categories(), False


@cache
def fallback_categories() -> frozenset[str]:
    """Every category a page could show of a person: declared on a model with a subject."""
    return _categories_of(tuple(d.label for d in registry if d.subject))


@cache
def field_category(label: str, field: str) -> str | None:
    """The category of a revealed field (``billing.PaymentMethod``, ``number``)."""
    declaration = registry.get(label)
    spec = declaration.fields.get(field) if declaration else None
    return spec.category if isinstance(spec, Personal) else None
