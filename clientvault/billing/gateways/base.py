"""The one interface every payment gateway adapter offers.

clientvault never sees a card number or CVC: a card (or a wallet) is entered in the gateway's
hosted form, which the payer reaches through :meth:`Gateway.start_setup`; clientvault then reads
what it may keep (token, brand, last four digits, expiry) server to server with
:meth:`Gateway.finish_setup`. A SEPA mandate's IBAN is validated here (python-stdnum) and handed
straight to :meth:`Gateway.attach_bank_account`; only its token and last four digits are kept.

Adapters hold no state of their own and never log what they send. What they are given has
already passed the disclosure register with the profile's ``sharing.payment_processor``
categories (``services.handover``); an adapter sends nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol


class GatewayError(Exception):
    """The gateway could not be reached or did not answer in time: try again later.

    Whether a charge happened is then unknown; a retry with the same idempotency key tells.
    """


class GatewayRefused(Exception):
    """The gateway refused the request (not a decline: a bad request, an unknown token)."""


class WebhookRejected(Exception):
    """A webhook's signature is missing, wrong or too old, or its body is unreadable."""


@dataclass(frozen=True)
class Party:
    """What a gateway may receive about the payer: only the profile's processor categories."""

    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class HostedSetup:
    reference: str  # the gateway's id for this setup
    url: str  # where the payer's browser goes to enter the card or approve the wallet


@dataclass(frozen=True)
class MethodDetails:
    """A method as the gateway describes it: never a card number, never a CVC."""

    token: str
    kind: Literal["card", "sepa", "wallet"]
    brand: str = ""
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None
    holder_name: str = ""
    billing_address: str = ""


@dataclass(frozen=True)
class ChargeResult:
    """The gateway's answer to a charge. ``pending``: accepted but not settled yet (a SEPA debit
    takes days); ``succeeded`` is then False and the outcome comes by webhook for ``reference``.
    """

    reference: str  # the gateway's charge id
    succeeded: bool
    failure_code: str = ""  # "card_declined", "expired_card", "insufficient_funds"...
    failure_message: str = ""
    pending: bool = False


@dataclass(frozen=True)
class RefundResult:
    reference: str
    succeeded: bool
    failure_message: str = ""


EventKind = Literal["charge.succeeded", "charge.failed", "refund.succeeded", "other"]


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook: ``reference`` is the charge (or refund) it is about."""

    id: str
    kind: EventKind
    reference: str = ""
    amount: int = 0
    currency: str = ""
    failure_code: str = ""
    # The idempotency key the charge was sent with (the gateway echoes it, as metadata), so an
    # event can settle an attempt whose own call timed out before it learnt ``reference``.
    idempotency_key: str = ""


class Gateway(Protocol):
    name: str

    def create_customer(self, *, party: Party, idempotency_key: str) -> str:
        """The gateway's reference for a new customer record."""
        ...

    def start_setup(
        self, *, customer_ref: str, kind: str, return_url: str, cancel_url: str
    ) -> HostedSetup: ...

    def finish_setup(self, *, reference: str) -> MethodDetails | None:
        """The method the payer added, or None while the hosted form is not completed."""
        ...

    def attach_bank_account(
        self, *, customer_ref: str, iban: str, holder_name: str, idempotency_key: str
    ) -> MethodDetails: ...

    def detach_method(self, *, token: str) -> None: ...

    def charge(
        self,
        *,
        customer_ref: str,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> ChargeResult:
        """Charge ``amount`` minor units. The same ``idempotency_key`` always gives the first
        answer and never charges twice. A decline is a result; :class:`GatewayError` means the
        outcome is unknown."""
        ...

    def refund(self, *, charge_ref: str, amount: int, idempotency_key: str) -> RefundResult: ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        """Verify the signature and read the event; :class:`WebhookRejected` otherwise."""
        ...
