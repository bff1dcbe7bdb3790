"""What goes to the payment processor, and its record in the disclosure register (SHR-4).

Every hand-over of personal data to the gateway passes ``disclose()`` first, to
``RecipientKind.PAYMENT_PROCESSOR`` on the ground of the contract, naming only categories the
policy profile lets the processor have (``[sharing] payment_processor``). A refusal raises
:class:`~clientvault.billing.errors.BillingError` before anything is sent.

The disclosure is recorded before the request leaves, in its own transaction: the request may
fail or time out after the gateway received it, and the register must then still say the data
may have gone (it never under-reports).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from clientvault.accounts.models import Customer, Person
from clientvault.accounts.services.clientlog import on_record
from clientvault.billing.errors import BillingError
from clientvault.billing.gateways.base import Gateway, Party
from clientvault.billing.gateways.registry import current_gateway
from clientvault.billing.models import GatewayCustomer, MethodKind, PaymentMethod
from clientvault.billing.services.accounts import billing_account_for, billing_contact
from clientvault.privacy.actors import Actor
from clientvault.privacy.models import DisclosureGround, RecipientKind, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.disclosures import DisclosureRefused, disclose

NAME = "user.name"
ADDRESS = "user.contact.address"
FINANCIAL = "user.financial"
CARD = "user.financial.credit_card"
BANK_ACCOUNT = "user.financial.bank_account"
# What a charge hands over besides the amount: the method's token.
TOKEN_CATEGORY = {
    MethodKind.CARD: CARD,
    MethodKind.SEPA: BANK_ACCOUNT,
    MethodKind.WALLET: FINANCIAL,
}
# How each gateway is named to the customer in "who received my data".
RECIPIENTS = {"test": "Test payment gateway", "stripe": "Stripe (payment processor)"}
_FIELDS = {
    NAME: ("name",),
    ADDRESS: ("address_line1", "address_line2", "city", "postal_code", "country"),
}


def recipient_name(gateway: str) -> str:
    return RECIPIENTS.get(gateway, gateway)


def disclose_to_processor(
    *,
    subject: Subject,
    gateway: str,
    categories: Sequence[str],
    reference: str,
    actor: Actor | None,
) -> None:
    """Record a hand-over to the gateway, or BillingError when the policy does not allow it."""
    try:
        disclose(
            subject=subject,
            recipient_kind=RecipientKind.PAYMENT_PROCESSOR,
            recipient=recipient_name(gateway),
            categories=list(categories),
            ground=DisclosureGround.CONTRACT,
            reference=reference,
            actor=actor,
        )
    except DisclosureRefused:
        raise BillingError(
            "Our privacy policy does not allow handing this to the payment processor, so "
            "nothing was sent.",
            code="disclosure_refused",
        ) from None


def payer_of_record(customer: Customer) -> Person:
    """Whom the gateway's customer record describes: the billing contact, else the owner."""
    contact = billing_contact(billing_account_for(customer))
    if contact is None:
        raise BillingError("The account has no owner to bill.", code="no_contact")
    return contact


def processor_party(person: Person) -> tuple[Party, list[str]]:
    """What the processor may have of ``person`` (only the profile's categories), and which."""
    allowed = current_profile().processor_categories
    name: dict[str, str] = {}
    address: dict[str, str] = {}
    categories = []
    if NAME in allowed:
        given, family = on_record(person.given_name), on_record(person.family_name)
        name = {"name": f"{given} {family}".strip()}
        categories.append(NAME)
    if ADDRESS in allowed:
        address = {
            "address_line1": on_record(person.address_line1),
            "address_line2": on_record(person.address_line2),
            "city": on_record(person.city),
            "postal_code": on_record(person.postal_code),
            "country": person.country,
        }
        categories.append(ADDRESS)
    party = Party(**name, **address)
    sent = [c for c in categories if any(getattr(party, f) for f in _FIELDS[c])]
    return party, sent


def gateway_customer_ref(*, customer: Customer, actor: Actor | None) -> str:
    """The account's customer reference at the current gateway, made there once.

    The gateway gets the billing contact's name and address (as far as the profile allows),
    recorded in the register first. The idempotency key is the account's, so two requests racing
    to make it get one customer at the gateway, and the database keeps one row.
    """
    gateway = current_gateway()
    found = GatewayCustomer.objects.filter(customer=customer, gateway=gateway.name).first()
    if found is not None:
        return found.reference
    contact = payer_of_record(customer)
    party, categories = processor_party(contact)
    if categories:
        disclose_to_processor(
            subject=contact.subject,
            gateway=gateway.name,
            categories=categories,
            reference="customer record for payments",
            actor=actor,
        )
    reference = _create_customer(gateway, party, customer)
    with transaction.atomic():
        record, created = GatewayCustomer.objects.get_or_create(
            customer=customer, gateway=gateway.name, defaults={"reference": reference}
        )
        if created:
            record_event(
                action="billing.gateway_customer.created",
                actor=actor,
                subject_id=contact.subject_id,
                obj=record,
                details={"gateway": gateway.name, "categories": categories},
            )
    return record.reference


def _create_customer(gateway: Gateway, party: Party, customer: Customer) -> str:
    return gateway.create_customer(
        party=party, idempotency_key=f"clientvault-customer-{customer.pk}"
    )


def disclose_charge(*, method: PaymentMethod, actor: Actor | None) -> None:
    """Record that a charge hands the method's token and the amount to its gateway.

    Call it before each charge; BillingError when the profile does not allow it (then do not
    charge).
    """
    payer = Person.objects.select_related("subject").get(pk=method.payer_id)
    disclose_to_processor(
        subject=payer.subject,
        gateway=method.gateway,
        categories=list(dict.fromkeys([TOKEN_CATEGORY[MethodKind(method.kind)], FINANCIAL])),
        reference=f"charge to payment method {method.pk}",
        actor=actor,
    )
