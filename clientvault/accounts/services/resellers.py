"""Whether an account resells the operator's services: its people may then be offered the
resellers' newsletters (where the policy profile sends them). A commercial fact, set by staff
whose role the profile grants the status purpose (billing), audited."""

from __future__ import annotations

from django.db import transaction

from clientvault.accounts.models import Customer, User
from clientvault.accounts.services.staff import STATUS_PURPOSE, require_purpose
from clientvault.privacy.services.audit import record_event


def mark_reseller(*, staff: User, customer: Customer, is_reseller: bool) -> Customer:
    """Mark the account a reseller's or not; nothing is recorded when it already is."""
    require_purpose(staff=staff, purpose=STATUS_PURPOSE)
    if customer.is_reseller == is_reseller:
        return customer
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(is_reseller=is_reseller)
        customer.is_reseller = is_reseller
        record_event(
            action="customer.reseller_marked" if is_reseller else "customer.reseller_unmarked",
            actor=staff,
            purpose=STATUS_PURPOSE,
            obj=customer,
        )
    return customer
