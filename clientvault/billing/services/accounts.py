"""An account's billing settings: made on first need, with its billing contact and VAT number."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from clientvault.accounts.models import (
    Channel,
    ClientLogEvent,
    Customer,
    CustomerKind,
    Organisation,
    Permission,
    Person,
    PersonRole,
)
from clientvault.accounts.services.clientlog import log_client_event, on_record
from clientvault.billing.errors import BillingError
from clientvault.billing.models import BillingAccount
from clientvault.billing.tax import normalise_vat_number
from clientvault.privacy.actors import Actor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.holds import held_subjects
from clientvault.privacy.services.retention import ExtraRule


def billing_account_for(customer: Customer) -> BillingAccount:
    """The account's billing settings, made on first need in the profile's currency.

    An organisation account starts with its organisation's VAT number when it is a valid one
    for the owner's country (else with none: staff or the customer set it later).
    """
    account = BillingAccount.objects.filter(customer=customer).first()
    if account is not None:
        return account
    account, _ = BillingAccount.objects.get_or_create(
        customer=customer,
        defaults={
            "currency": current_profile().billing.currency,
            "vat_number": _organisation_vat_number(customer),
        },
    )
    return account


def _organisation_vat_number(customer: Customer) -> str:
    if customer.kind != CustomerKind.ORGANISATION:
        return ""
    organisation = Organisation.objects.filter(customer=customer).first()
    return first_vat_number(organisation, owner_of(customer.pk))


def first_vat_number(organisation: Organisation | None, owner: Person | None) -> str:
    """The organisation's VAT number, if valid for the owner's country, to start billing with."""
    number = on_record(organisation.vat_number) if organisation is not None else ""
    try:
        return normalise_vat_number(number, owner.country if owner is not None else "")
    except BillingError:
        return ""


def owner_of(customer_id: uuid.UUID) -> Person | None:
    return Person.objects.filter(customer_id=customer_id, role=PersonRole.OWNER).first()


def billing_contact(account: BillingAccount) -> Person | None:
    """Whom invoices are issued and sent to: the chosen contact, else the account owner."""
    if account.contact_id is not None:
        contact = Person.objects.filter(pk=account.contact_id).first()
        if contact is not None and contact.customer_id == account.customer_id:
            return contact
    return owner_of(account.customer_id)


def channel_for(actor: Actor | None) -> str:
    """The client log's channel: staff acting in the back office, else online."""
    return Channel.STAFF if actor is not None and actor.is_staff else Channel.ONLINE


def update_billing_details(
    *, customer: Customer, contact: Person, vat_number: str, actor: Actor
) -> BillingAccount:
    """Choose the billing contact and set (or clear, with "") the VAT number.

    The contact must be a person on the account allowed to see its bills (the owner, or an
    authorised user with the billing permission). The VAT number is checked with python-stdnum
    for the contact's country and stored compact with its country prefix.
    """
    if contact.customer_id != customer.pk:
        raise BillingError("The billing contact must be a person on this account.", field="contact")
    if not contact.may(Permission.BILLING):
        raise BillingError(
            "The billing contact must be the account owner or an authorised user with the "
            "billing permission.",
            field="contact",
        )
    number = normalise_vat_number(vat_number, contact.country)
    billing_account_for(customer)
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().get(customer=customer)
        changed = {
            "contact": account.contact_id != contact.pk,
            "vat_number": account.vat_number != number,
        }
        account.contact, account.vat_number = contact, number
        account.save(update_fields=["contact", "vat_number", "updated_at"])
        if any(changed.values()):
            what = " and ".join(
                label
                for key, label in (("contact", "billing contact"), ("vat_number", "VAT number"))
                if changed[key]
            )
            log_client_event(
                customer=customer,
                event=ClientLogEvent.BILLING_DETAILS_CHANGED,
                actor=actor,
                channel=channel_for(actor),
                person=contact,
                detail=f"{what[0].upper()}{what[1:]} changed",
            )
        record_event(
            action="billing.details_changed",
            actor=actor,
            subject_id=contact.subject_id,
            purpose="billing",
            obj=account,
            details={
                "customer": customer.pk,
                "contact_changed": changed["contact"],
                "vat_number_changed": changed["vat_number"],
                "vat_number_set": bool(number),
            },
        )
    return account


# -- retention ----------------------------------------------------------------------------------


def expire_erased_accounts(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Delete the billing settings of accounts whose every person was erased before ``cutoff``
    and is under no hold (on a dry run, count them); how many.

    Erasure keeps an account's credit balance for the legal period, like its invoices, but the
    kernel's sweep cannot empty a number that has no empty value: this rule (run by the sweep
    with the profile's ``invoices`` period) removes the whole row once that period is over.
    """
    not_due = Person.objects.filter(customer=OuterRef("customer_id")).filter(
        Q(subject__erased_at__isnull=True)
        | Q(subject__erased_at__gte=cutoff)
        | Q(subject_id__in=held_subjects())
    )
    due = BillingAccount.objects.filter(
        Exists(Person.objects.filter(customer=OuterRef("customer_id"))), ~Exists(not_due)
    )
    if dry_run:
        return due.count()
    return int(due.delete()[1].get(BillingAccount._meta.label, 0))


ERASED_ACCOUNTS = ExtraRule(
    label="billing.BillingAccount",
    category="user.financial",
    period="invoices",
    expire=expire_erased_accounts,
)
