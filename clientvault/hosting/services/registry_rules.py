"""The registry needs a registrant while a domain exists (seed 001/002; RGT-1's limit).

Registered as a kernel erasure blocker: while a subject is the registrant of a domain that
is active (or being registered), erasing them would leave the registry a domain without a
holder, so the erasure waits and the requester is told what must happen first. Once the
account names another registrant, or the domain expires or is cancelled, the erasure goes on.
"""

from __future__ import annotations

import uuid

from clientvault.hosting.models import Domain, DomainStatus

NEEDS_REGISTRANT = (DomainStatus.REGISTERING, DomainStatus.ACTIVE)


def registrant_blocker(*, subject_id: uuid.UUID) -> list[str]:
    domains = Domain.objects.filter(registrant__subject_id=subject_id, status__in=NEEDS_REGISTRANT)
    return [_sentence(domain) for domain in domains.order_by("name")]


def _sentence(domain: Domain) -> str:
    until = f" (it expires on {domain.expires_on:%d %B %Y})" if domain.expires_on else ""
    return (
        f"You are the registrant of {domain.display_name}, and the domain registry needs a "
        f"registrant while the domain exists{until}. Your data can be erased once the "
        "domain's account names another registrant, or the domain expires."
    )
