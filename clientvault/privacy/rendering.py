"""The public privacy policy, rendered from the policy profile and the inventory.

The text is built only from what the code enforces: the profile's choices and the inventory's
declarations. Rendering is deterministic (same profile and inventory give the same bytes) and
holds no date or version number, so its hash identifies the content; the page around it adds
the effective date of the version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from clientvault.privacy.cookies import registry as cookie_registry
from clientvault.privacy.inventory import Declaration, Erasure, Personal, Registry
from clientvault.privacy.profile import Profile
from clientvault.privacy.taxonomy import SENSITIVE_PREFIX, Purpose, category_label

BODY_TEMPLATE = "privacy/policy_body.html"
# The European Economic Area: the EU member states, Iceland, Liechtenstein and Norway.
# fmt: off
EEA = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
})
# fmt: on
# The records each retention period of the profile applies to, in words a customer understands.
RETENTION_LABELS = {
    "sessions": "Your sign-in sessions",
    "login_history": "Your sign-in history",
    "task_results": "Records of our automatic work, such as sending you e-mail",
    "api_tokens": "Your expired or revoked API tokens",
    "consent_history": "The history of your consents and refusals",
    "disclosures": "The record of who received your data",
    "policy_acceptances": "The record of which version of this policy you accepted",
    "audit_log": "The record of every access to your personal data",
    "client_log": "Your account log",
    "profile_history": "The history of changes to your details",
    "identity_checks": "The checks of your identity when you contacted us",
    "invitations": "Invitations to join an account",
    "security_reports": "Your reports of unauthorised use",
    "unconfirmed_signups": "A new account whose e-mail address was never confirmed",
    "messages": "The e-mail and text messages we sent you, and what became of each",
    "tickets": "Your support tickets and their messages, from their last change",
    "forum": "What you posted in the public forum, after your account is deleted",
    "invoices": "Your invoices, payments, refunds and credit notes",
    "visit_rows": "Pseudonymous records of a visit to a website we host, kept only so that a visit "
    "spanning two logs counts once (the figures kept after that are anonymous)",
}
# Periods of our own machinery, not of records about a customer: left out of the policy's list.
INTERNAL_RETENTION = {
    "throttle": "counters of recent attempts (sign-in, sign-up), keyed by a hash naming no one",
    "task_results": "the job queue's results: ids and counts, kept to run each job once",
}
GROUND_TEXT = {
    "provide_service": "when it is needed to provide the service to you",
    "legitimate_interest": (
        "when it is needed to protect the legitimate interests of {operator} and its customers"
    ),
    "legal_process": (
        "when an interception order, warrant or other legal process that we find valid and "
        "enforceable requires it"
    ),
    "inadvertent_crime": (
        "to a law enforcement agency, when we came upon the contents by chance and they appear "
        "to concern a crime"
    ),
}
REASON_TEXT = {
    "storage": "to store it",
    "contract": (
        "to provide the services you ordered, including processing your payments and supporting you"
    ),
    "legal_obligation": "where the law requires us to",
    "legitimate_interest": (
        "to run our business, where our legitimate interest is not outweighed by your rights"
    ),
}


@dataclass(frozen=True)
class CategoryRow:
    label: str
    purposes: tuple[str, ...]
    kept: tuple[str, ...]
    restricted: bool


def duration(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{days} day{'s' if days > 1 else ''}"


def retention_label(key: str) -> str:
    return RETENTION_LABELS.get(key, key.replace("_", " ").capitalize())


def _period(profile: Profile, key: str) -> str:
    days = profile.retention.get(key)
    where = _in_sentence(retention_label(key))
    return f"{duration(days)} in {where}" if days else f"as long as the law requires in {where}"


def _kept(profile: Profile, declaration: Declaration, spec: Personal) -> str:
    if spec.erasure == Erasure.RETAIN and spec.retention:
        return f"{_period(profile, spec.retention)} ({spec.legal_basis})"
    period = spec.retention or (declaration.retention.period if declaration.retention else None)
    if period:
        return _period(profile, period)
    return "while you remain our customer, or until you ask us to delete it"


def _purpose_order(purpose: str) -> int:
    values = list(Purpose.values)
    return values.index(purpose) if purpose in values else len(values)


def collected(profile: Profile, registry: Registry) -> list[CategoryRow]:
    """One row per data category the inventory declares, with its purposes and retention."""
    purposes: dict[str, set[str]] = defaultdict(set)
    kept: dict[str, set[str]] = defaultdict(set)
    restricted: dict[str, bool] = {}
    for declaration in registry:
        for _name, spec in declaration.personal_fields():
            purposes[spec.category].update(spec.purposes)
            kept[spec.category].add(_kept(profile, declaration, spec))
            restricted[spec.category] = spec.restricted
    return [
        CategoryRow(
            label=category_label(category),
            purposes=tuple(
                Purpose(p).label for p in sorted(purposes[category], key=_purpose_order)
            ),
            kept=tuple(sorted(kept[category])),
            restricted=restricted[category],
        )
        for category in sorted(purposes, key=category_label)
    ]


def _in_sentence(label: str) -> str:
    """'Postal address' -> 'postal address', but 'IP address' stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def phrase(categories: tuple[str, ...]) -> str:
    """Category labels as a list inside a sentence: 'name, e-mail address and payment card'."""
    labels = [_in_sentence(category_label(c)) for c in categories]
    return (
        " and ".join([", ".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else "".join(labels)
    )


def _retention_rows(profile: Profile) -> list[tuple[str, str]]:
    """The records about the customer and their periods (INTERNAL_RETENTION left out)."""
    return [
        (retention_label(key), duration(profile.retention[key]))
        for key in sorted(profile.retention, key=retention_label)
        if key not in INTERNAL_RETENTION
    ]


def _categories_of(registry: Registry) -> set[str]:
    return {spec.category for d in registry for _n, spec in d.personal_fields()}


def policy_context(profile: Profile, registry: Registry) -> dict[str, Any]:
    categories = _categories_of(registry)
    return {
        "p": profile,
        "collected": collected(profile, registry),
        "registrar": phrase(profile.registrar_categories),
        "processor": phrase(profile.processor_categories),
        "partner": phrase(profile.partner_categories),
        "grounds": [
            GROUND_TEXT[g].format(operator=profile.operator_name)
            for g in profile.communication_grounds
        ],
        "reasons": [REASON_TEXT[r] for r in profile.transfer_reasons],
        "in_eea": profile.storage_country in EEA,
        "retention_rows": _retention_rows(profile),
        "holds_sensitive": any(c.startswith(SENSITIVE_PREFIX) for c in categories),
        "aggregates": any(d.retention and d.retention.aggregator for d in registry),
        "cookies": cookie_registry(),
    }


def _tidy(html: str) -> str:
    """Drop indentation and blank lines, so re-indenting the template changes no version."""
    lines = (line.strip() for line in html.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def render_policy(profile: Profile, registry: Registry) -> str:
    """The policy's HTML body: the same profile and inventory always give the same bytes."""
    return _tidy(render_to_string(BODY_TEMPLATE, policy_context(profile, registry)))
