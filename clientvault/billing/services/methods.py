"""Payment methods: added through the gateway's hosted form or as a SEPA mandate, made the
default, removed (COL-3, USE-2).

clientvault never receives a card number: :func:`start_adding_method` sends the payer to the
gateway's hosted form, and :func:`finish_adding_method` reads what may be kept (token, brand,
last four digits, expiry, holder name, billing address) from the gateway, server to server,
when the payer comes back; nothing the browser brings back is trusted, and coming back twice
adds nothing more. An IBAN is checked here (python-stdnum) and handed straight to the gateway:
it is never stored, logged, or put in an error; only its token and last four digits are kept.

Each change writes an audit event (ids and codes only) and a client-log entry in its
transaction. Changes to one account's methods are serialised by a lock on its billing account
row, so the account has at most one default whatever runs at once (the database also refuses
a second). Gateway calls are made outside any transaction; their hand-overs are recorded in the
disclosure register first (:mod:`.handover`).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumInvalid

from clientvault.accounts.models import ClientLogEvent, Customer, Permission, Person
from clientvault.accounts.services.clientlog import log_client_event
from clientvault.billing.errors import BillingError
from clientvault.billing.gateways.base import Gateway, GatewayError, GatewayRefused, MethodDetails
from clientvault.billing.gateways.registry import current_gateway, gateway_named
from clientvault.billing.models import (
    BillingAccount,
    Currency,
    MethodKind,
    MethodStatus,
    PaymentMethod,
    SetupSession,
    SetupSessionStatus,
)
from clientvault.billing.services.accounts import billing_account_for
from clientvault.billing.services.handover import (
    BANK_ACCOUNT,
    NAME,
    disclose_to_processor,
    gateway_customer_ref,
)
from clientvault.privacy.actors import Actor, SystemActor
from clientvault.privacy.reveal import reveal
from clientvault.privacy.services.audit import record_event

# Detaching a method at the gateway needs its token, whoever asked for the removal (an
# authorised user may remove the owner's card): the system reads it, for payment processing.
METHODS_ACTOR = SystemActor("billing.methods")
HOSTED_KINDS = (MethodKind.CARD, MethodKind.WALLET)
SESSION_PLACEHOLDER = "{session_id}"
HOLDER_MAX = 70  # the SEPA rulebook's limit for a debtor's name
# The countries of the SEPA scheme, whose IBANs can be debited in euros.
_SEPA = (
    "AD AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT"
)
SEPA_COUNTRIES = frozenset(f"{_SEPA} RO SE SI SK SM VA".split())
UNREACHABLE = (
    "The payment service could not be reached, so nothing was changed. Please try again in a "
    "few minutes."
)
CARD_SHAPED = re.compile(r"(?:\d[ -]?){12,18}\d")


def _may_pay(person: Person) -> None:
    if not person.may(Permission.BILLING):
        raise PermissionDenied("your account role does not include billing")


def _locked_account(customer: Customer) -> BillingAccount:
    """The account's billing row, locked until the transaction ends (call inside one)."""
    account = billing_account_for(customer)
    return BillingAccount.objects.select_for_update().get(pk=account.pk)


def with_session(url: str, session_id: uuid.UUID) -> str:
    """``url`` carrying clientvault's own session id: in place of ``{session_id}``, or as
    ``?session=``."""
    if SESSION_PLACEHOLDER in url:
        return url.replace(SESSION_PLACEHOLDER, str(session_id))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({'session': str(session_id)})}"


def _customer_ref(person: Person, actor: Actor | None) -> str:
    try:
        return gateway_customer_ref(customer=person.customer, actor=actor)
    except GatewayError:
        raise BillingError(UNREACHABLE, code="gateway_unavailable") from None
    except GatewayRefused:
        raise BillingError(
            "The payment service refused to open an account for payments. Please try again later.",
            code="gateway_refused",
        ) from None


def _log(method: PaymentMethod, event: str, actor: Actor | None, person: Person) -> None:
    log_client_event(
        customer=method.customer, event=event, actor=actor, person=person, detail=method.label
    )


# --- adding through the hosted form ----------------------------------------------------------


def start_adding_method(
    *, person: Person, kind: str, return_url: str, cancel_url: str, actor: Actor | None
) -> str:
    """The gateway's hosted form for a new card or wallet, where the payer's browser goes.

    ``return_url`` is where the gateway sends the browser afterwards; it gets clientvault's
    session id (see :func:`with_session`), which :func:`finish_adding_method` takes.
    """
    _may_pay(person)
    if kind not in HOSTED_KINDS:
        raise BillingError("Choose a card or a wallet.", field="kind")
    gateway = current_gateway()
    customer_ref = _customer_ref(person, actor)
    session_id = uuid.uuid4()
    try:
        hosted = gateway.start_setup(
            customer_ref=customer_ref,
            kind=kind,
            return_url=with_session(return_url, session_id),
            cancel_url=cancel_url,
        )
    except GatewayError:
        raise BillingError(UNREACHABLE, code="gateway_unavailable") from None
    except GatewayRefused:
        raise BillingError(
            "The payment service could not open its secure form. Please try again later.",
            code="gateway_refused",
        ) from None
    with transaction.atomic():
        session = SetupSession.objects.create(
            id=session_id,
            customer=person.customer,
            payer=person,
            gateway=gateway.name,
            kind=kind,
            reference=hosted.reference,
        )
        record_event(
            action="billing.method.setup_started",
            actor=actor,
            subject_id=person.subject_id,
            obj=session,
            details={"kind": kind, "gateway": gateway.name},
        )
    return hosted.url


def _session_of(person: Person, session_id: uuid.UUID | str) -> SetupSession:
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        key = None
    session = (
        SetupSession.objects.select_related("method", "payer__subject")
        .filter(pk=key, customer=person.customer)
        .first()
        if key
        else None
    )
    if session is None:
        raise BillingError("That payment method set-up was not found.", code="not_found")
    return session


def finish_adding_method(
    *, person: Person, session_id: uuid.UUID | str, actor: Actor | None
) -> PaymentMethod:
    """The method the payer added in the hosted form, read from the gateway and kept.

    Coming back again (a reload of the return page) gives the same method and changes nothing.
    The account's first active method becomes its default.
    """
    _may_pay(person)
    session = _session_of(person, session_id)
    if session.method is not None:
        return session.method
    if session.status == SetupSessionStatus.EXPIRED:
        raise BillingError(
            "This set-up has expired: please add the payment method again.", code="expired"
        )
    gateway = gateway_named(session.gateway)
    details = _read_setup(gateway, session)
    with transaction.atomic():
        _locked_account(person.customer)
        session = SetupSession.objects.select_for_update().get(pk=session.pk)
        if session.method_id is not None:  # finished meanwhile, by another request
            return PaymentMethod.objects.get(pk=session.method_id)
        method = _keep(session.payer, gateway.name, details)
        session.status, session.method = SetupSessionStatus.COMPLETE, method
        session.save(update_fields=["status", "method"])
        _added(method, actor, person, session=str(session.pk))
    return method


def _read_setup(gateway: Gateway, session: SetupSession) -> MethodDetails:
    try:
        details = gateway.finish_setup(reference=session.reference)
    except GatewayError:
        raise BillingError(UNREACHABLE, code="gateway_unavailable") from None
    except GatewayRefused:
        raise BillingError(
            "The payment service does not know this set-up: please add the method again.",
            code="gateway_refused",
        ) from None
    if details is None:
        raise BillingError(
            "The payment method was not added: the secure form was not completed.",
            code="incomplete",
        )
    return details


def _keep(payer: Person, gateway: str, details: MethodDetails) -> PaymentMethod:
    """A new active method (the default if the account has none), its token sealed."""
    has_default = PaymentMethod.objects.filter(
        customer_id=payer.customer_id, status=MethodStatus.ACTIVE, is_default=True
    ).exists()
    method = PaymentMethod(
        customer_id=payer.customer_id,
        payer=payer,
        gateway=gateway,
        kind=details.kind,
        brand=details.brand[:32],
        last4=details.last4 if re.fullmatch(r"\d{4}", details.last4) else "",
        exp_month=details.exp_month,
        exp_year=details.exp_year,
        is_default=not has_default,
    )
    method.save()  # the row's id first: sealed values are bound to it
    method.token = details.token
    method.holder_name = details.holder_name
    method.billing_address = details.billing_address
    method.save(update_fields=["token", "holder_name", "billing_address"])
    return method


def _added(method: PaymentMethod, actor: Actor | None, person: Person, **details: str) -> None:
    record_event(
        action="billing.method.added",
        actor=actor,
        subject_id=method.payer.subject_id,
        obj=method,
        details={
            "kind": method.kind,
            "gateway": method.gateway,
            "default": method.is_default,
            **details,
        },
    )
    _log(method, ClientLogEvent.PAYMENT_METHOD_ADDED, actor, person)


# --- SEPA Direct Debit -----------------------------------------------------------------------


def _valid_iban(value: str) -> str:
    """The IBAN, compact, or BillingError naming the field (never repeating the IBAN)."""
    if not value.strip():
        raise BillingError("Enter the IBAN of the account to debit.", field="iban")
    try:
        compact = str(stdnum_iban.validate(value))
    except StdnumInvalid:
        raise BillingError(
            "This IBAN is not valid: check it against your bank statement.", field="iban"
        ) from None
    if compact[:2] not in SEPA_COUNTRIES:
        raise BillingError(
            "This IBAN is not from a country of the SEPA scheme, so it cannot be debited in euros.",
            field="iban",
        )
    return compact


def card_number_in(text: str) -> bool:
    """Whether ``text`` holds something shaped like a card number (13-19 digits, Luhn-valid)."""
    for found in CARD_SHAPED.finditer(text):
        digits = re.sub(r"\D", "", found.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            return True
    return False


def _holder(value: str) -> str:
    holder = " ".join(value.split())
    if not holder:
        raise BillingError("Enter the account holder's name.", field="holder_name")
    if card_number_in(holder):
        raise BillingError(
            "That looks like a card number: card numbers are entered only in the secure card "
            "form, never here.",
            field="holder_name",
        )
    if len(holder) > HOLDER_MAX:
        raise BillingError(
            f"The account holder's name is too long: use at most {HOLDER_MAX} characters.",
            field="holder_name",
        )
    return holder


def add_bank_account(
    *, person: Person, iban: str, holder_name: str, actor: Actor | None
) -> PaymentMethod:
    """A SEPA Direct Debit mandate on the IBAN, kept as the gateway's token and last four
    digits. Only for an account billed in euros."""
    _may_pay(person)
    holder = _holder(holder_name)
    account = billing_account_for(person.customer)
    if account.currency != Currency.EUR:
        raise BillingError(
            f"SEPA Direct Debit is only for accounts billed in euros; this account is billed "
            f"in {account.get_currency_display()}.",
            field="iban",
            code="currency",
        )
    compact = _valid_iban(iban)
    gateway = current_gateway()
    customer_ref = _customer_ref(person, actor)
    disclose_to_processor(
        subject=person.subject,
        gateway=gateway.name,
        categories=[BANK_ACCOUNT, NAME],
        reference="SEPA Direct Debit mandate",
        actor=actor,
    )
    try:
        details = gateway.attach_bank_account(
            customer_ref=customer_ref,
            iban=compact,
            holder_name=holder,
            idempotency_key=f"clientvault-mandate-{uuid.uuid4()}",
        )
    except GatewayError:
        raise BillingError(UNREACHABLE, code="gateway_unavailable") from None
    except GatewayRefused:
        raise BillingError(
            "The payment service did not accept this bank account: check the IBAN.",
            field="iban",
            code="gateway_refused",
        ) from None
    del compact, iban  # nothing below needs the IBAN
    with transaction.atomic():
        _locked_account(person.customer)
        method = _keep(person, gateway.name, details)
        _added(method, actor, person)
    return method


# --- default and removal ---------------------------------------------------------------------


def set_default_method(*, method: PaymentMethod, actor: Actor | None) -> None:
    """Make ``method`` the account's default (the one its invoices are charged to)."""
    with transaction.atomic():
        _locked_account(method.customer)
        current = PaymentMethod.objects.get(pk=method.pk)
        if current.status != MethodStatus.ACTIVE:
            raise BillingError("A removed payment method cannot be the default.", code="removed")
        if current.is_default:
            return
        previous = PaymentMethod.objects.filter(
            customer_id=current.customer_id, status=MethodStatus.ACTIVE, is_default=True
        )
        previous_ids = list(previous.values_list("pk", flat=True))
        previous.update(is_default=False)
        PaymentMethod.objects.filter(pk=current.pk).update(is_default=True)
        method.is_default = True
        record_event(
            action="billing.method.default_set",
            actor=actor,
            subject_id=current.payer.subject_id,
            obj=current,
            details={"previous": previous_ids},
        )
        _log(current, ClientLogEvent.DEFAULT_PAYMENT_METHOD, actor, current.payer)


def remove_method(*, method: PaymentMethod, actor: Actor | None) -> None:
    """Detach the method at its gateway and stop using it; another active method becomes the
    default if it was. Its token, holder name and billing address are cleared; its brand and
    last four digits stay, so past payments still say what paid them."""
    current = PaymentMethod.objects.select_related("payer").get(pk=method.pk)
    if current.status == MethodStatus.REMOVED:
        return
    token = reveal(current, "token", "payment_processing", METHODS_ACTOR)
    if token:
        try:
            gateway_named(current.gateway).detach_method(token=str(token))
        except GatewayError:
            raise BillingError(UNREACHABLE, code="gateway_unavailable") from None
        except GatewayRefused:
            pass  # the gateway no longer knows it: it is detached already
    with transaction.atomic():
        _locked_account(current.customer)
        current = PaymentMethod.objects.select_related("payer").get(pk=method.pk)
        if current.status == MethodStatus.REMOVED:
            return
        was_default = current.is_default
        current.status = MethodStatus.REMOVED
        current.is_default = False
        current.removed_at = timezone.now()
        current.token = ""
        current.holder_name = ""
        current.billing_address = ""
        current.save()
        successor = None
        if was_default:
            successor = (
                PaymentMethod.objects.filter(
                    customer_id=current.customer_id, status=MethodStatus.ACTIVE
                )
                .order_by("-created_at", "-pk")
                .first()
            )
            if successor is not None:
                PaymentMethod.objects.filter(pk=successor.pk).update(is_default=True)
        record_event(
            action="billing.method.removed",
            actor=actor,
            subject_id=current.payer.subject_id,
            obj=current,
            details={
                "was_default": was_default,
                "new_default": successor.pk if successor else None,
            },
        )
        _log(current, ClientLogEvent.PAYMENT_METHOD_REMOVED, actor, current.payer)
    method.status, method.is_default = current.status, False


# --- erasure ---------------------------------------------------------------------------------


def retire_erased_payers_methods(*, subject_id: uuid.UUID, actor: Actor | None) -> int:
    """An erased payer's methods, removed (the inventory's ``on_erasure``); how many changed.

    Erasure has destroyed the payer's key, so the tokens read as erased and can no longer be
    detached at the gateway; removed, the methods are no account's default and nothing tries to
    charge them. Their brand, last four digits and expiry were emptied by erasure itself.
    """
    active = PaymentMethod.objects.filter(payer__subject_id=subject_id, status=MethodStatus.ACTIVE)
    ids = list(active.values_list("pk", flat=True))
    if not ids:
        return 0
    PaymentMethod.objects.filter(pk__in=ids).update(
        status=MethodStatus.REMOVED, is_default=False, removed_at=timezone.now()
    )
    record_event(
        action="billing.method.removed",
        actor=actor,
        subject_id=subject_id,
        details={"reason": "erasure", "methods": len(ids)},
    )
    return len(ids)
