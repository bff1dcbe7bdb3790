"""The Stripe adapter: :class:`.base.Gateway` over Stripe's API with the ``stripe`` package.

One :class:`stripe.StripeClient` per gateway, configured from the settings: the secret key
(``STRIPE_SECRET_KEY``), Stripe's address or a local stand-in (``STRIPE_API_BASE``), a timeout
(``PAYMENT_GATEWAY_TIMEOUT`` seconds) and no automatic retries: a retry is the caller's decision,
made with the same idempotency key, so a charge is never made twice.

How Stripe's objects map to the interface:

- a customer is a Stripe Customer made with the name and address of the :class:`.base.Party`
  and nothing else (no e-mail address, no telephone number: the processor's categories);
- the hosted form is a Checkout Session in ``setup`` mode (a card, a SEPA mandate, or PayPal as
  the wallet); :meth:`StripeGateway.finish_setup` reads the SetupIntent's PaymentMethod
  server to server: its id is the token, with brand, last four digits, expiry and billing
  details;
- a SEPA account given to clientvault is a ``sepa_debit`` PaymentMethod attached to the
  customer; the IBAN goes to Stripe and only the last four digits Stripe reports come back;
- a charge is a PaymentIntent confirmed off-session; its id (``pi_...``) is the charge
  reference everywhere: refunds are made against it and webhooks are matched by it, or by the
  idempotency key, which the PaymentIntent carries in its metadata. A decline
  is a :class:`.base.ChargeResult` that did not succeed; a PaymentIntent still ``processing``
  (SEPA debits take days) is a result with ``pending`` set, settled later by its webhook;
- a webhook is verified with ``STRIPE_WEBHOOK_SECRET`` (HMAC-SHA256 over ``<t>.<body>``,
  five minutes' tolerance) and read into a :class:`.base.GatewayEvent`.

Nothing sent or received is logged: not a body, a token, an IBAN, nor Stripe's own error
messages (they can quote a parameter's value). Errors name the operation, Stripe's error code
and the HTTP status only, and are raised without the ``stripe`` exception as their context. The
``stripe`` package's own logger writes request and response bodies at DEBUG: the settings keep
it at WARNING, and refuse ``STRIPE_LOG``, which would print them to the console.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import stripe
from django.conf import settings
from stripe.params import (
    CustomerCreateParams,
    CustomerCreateParamsAddress,
    PaymentIntentCreateParams,
)

from clientvault.billing.gateways.base import (
    ChargeResult,
    EventKind,
    GatewayError,
    GatewayEvent,
    GatewayRefused,
    HostedSetup,
    MethodDetails,
    Party,
    RefundResult,
    WebhookRejected,
)

logger = logging.getLogger(__name__)

# The hosted form's Stripe payment method type for each kind of method clientvault keeps.
SETUP_TYPES: dict[str, Literal["card", "sepa_debit", "paypal"]] = {
    "card": "card",
    "sepa": "sepa_debit",
    "wallet": "paypal",
}
# Stripe's PaymentMethod types as clientvault's kinds; any other wallet-like type is a wallet.
KINDS: dict[str, Literal["card", "sepa", "wallet"]] = {"card": "card", "sepa_debit": "sepa"}
EVENT_KINDS: dict[str, EventKind] = {
    "payment_intent.succeeded": "charge.succeeded",
    "payment_intent.payment_failed": "charge.failed",
    "charge.refunded": "refund.succeeded",
}
IDEMPOTENCY_METADATA = "idempotency_key"  # the PaymentIntent's metadata key for it
WEBHOOK_TOLERANCE = 300  # seconds: an older signature is a replay
SIGNATURE_HEADER = "stripe-signature"


def _refusal(operation: str, error: stripe.StripeError) -> str:
    code = error.code or type(error).__name__
    return f"Stripe refused to {operation} ({code}, HTTP {error.http_status})"


@contextmanager
def _calling(operation: str) -> Iterator[None]:
    """Stripe's errors as the interface's: unreachable or unsure -> GatewayError, a refusal ->
    GatewayRefused. Messages hold the operation, the code and the status, never a value."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        logger.warning("Stripe unreachable for %s (%s)", operation, type(error).__name__)
        raise GatewayError(f"Stripe did not answer in time to {operation}") from None
    except stripe.APIError as error:  # 5xx, a 409 on a key in use, an unreadable answer
        logger.warning("Stripe failed to %s (HTTP %s)", operation, error.http_status)
        raise GatewayError(f"Stripe could not {operation} (HTTP {error.http_status})") from None
    except stripe.StripeError as error:
        status = error.http_status or 0
        if status >= 500:
            raise GatewayError(f"Stripe could not {operation} (HTTP {status})") from None
        logger.warning("Stripe refused to %s (%s, HTTP %s)", operation, error.code, status)
        raise GatewayRefused(_refusal(operation, error)) from None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _id(value: Any) -> str:
    """An expandable field's id, whether Stripe sent the id or the object."""
    if isinstance(value, Mapping):
        return _text(value.get("id"))
    return _text(value)


def _customer_params(party: Party) -> CustomerCreateParams:
    """The Party's name and address, the fields it has: nothing else goes to Stripe."""
    params: CustomerCreateParams = {}
    if party.name:
        params["name"] = party.name
    address: CustomerCreateParamsAddress = {}
    for key, value in (
        ("line1", party.address_line1),
        ("line2", party.address_line2),
        ("city", party.city),
        ("postal_code", party.postal_code),
        ("country", party.country),
    ):
        if value:
            address[key] = value  # type: ignore[literal-required]  # keys of the TypedDict
    if address:
        params["address"] = address
    return params


def _address_text(address: Any) -> str:
    """A Stripe address as lines of text (the vault keeps it whole)."""
    if not isinstance(address, Mapping):
        return ""
    town = " ".join(
        part for part in (_text(address.get("postal_code")), _text(address.get("city"))) if part
    )
    lines = [
        _text(address.get("line1")),
        _text(address.get("line2")),
        town,
        _text(address.get("state")),
        _text(address.get("country")),
    ]
    return "\n".join(line for line in lines if line)


def _expiry(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def method_details(method: Mapping[str, Any]) -> MethodDetails:
    """What clientvault keeps of a Stripe PaymentMethod: never a number, only what Stripe shows."""
    kind = _text(method.get("type"))
    details, billing = _mapping(method.get(kind)), _mapping(method.get("billing_details"))
    token, holder = _text(method.get("id")), _text(billing.get("name"))
    address = _address_text(billing.get("address"))
    if kind == "card":
        return MethodDetails(
            token=token,
            kind="card",
            brand=_text(details.get("brand")),
            last4=_text(details.get("last4")),
            exp_month=_expiry(details.get("exp_month")),
            exp_year=_expiry(details.get("exp_year")),
            holder_name=holder,
            billing_address=address,
        )
    if kind == "sepa_debit":
        last4 = _text(details.get("last4"))
        return MethodDetails(
            token=token, kind="sepa", last4=last4, holder_name=holder, billing_address=address
        )
    return MethodDetails(
        token=token,
        kind=KINDS.get(kind, "wallet"),
        brand=kind,
        holder_name=holder,
        billing_address=address,
    )


def _failure_code(error: Mapping[str, Any] | None) -> str:
    if not error:
        return ""
    return _text(error.get("decline_code")) or _text(error.get("code"))


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _event(event: Mapping[str, Any]) -> GatewayEvent:
    """A verified Stripe Event as the interface's: the reference is always the PaymentIntent."""
    event_id, kind = _text(event["id"]), EVENT_KINDS.get(_text(event["type"]), "other")
    if not event_id:
        raise KeyError("id")
    obj = event["data"]["object"]
    if kind == "other" or not isinstance(obj, Mapping):
        return GatewayEvent(id=event_id, kind="other")
    currency = _text(obj.get("currency")).upper()
    key = _text(_mapping(obj.get("metadata")).get(IDEMPOTENCY_METADATA))
    if kind == "refund.succeeded":  # a Charge; amount_refunded is the total refunded so far
        reference = _id(obj.get("payment_intent")) or _text(obj.get("id"))
        amount = obj.get("amount_refunded")
        return GatewayEvent(
            id=event_id,
            kind=kind,
            reference=reference,
            amount=amount if isinstance(amount, int) else 0,
            currency=currency,
            idempotency_key=key,
        )
    amount = obj.get("amount_received") or obj.get("amount")
    failed = kind == "charge.failed"
    return GatewayEvent(
        id=event_id,
        kind=kind,
        reference=_text(obj.get("id")),
        amount=amount if isinstance(amount, int) else 0,
        currency=currency,
        failure_code=_failure_code(obj.get("last_payment_error")) if failed else "",
        idempotency_key=key,
    )


class StripeGateway:
    name = "stripe"

    def __init__(self) -> None:
        timeout = float(settings.PAYMENT_GATEWAY_TIMEOUT)
        base = settings.STRIPE_API_BASE.rstrip("/")
        self._client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else {},
            http_client=stripe.RequestsClient(timeout=timeout),
            max_network_retries=0,
        )

    def create_customer(self, *, party: Party, idempotency_key: str) -> str:
        with _calling("create a customer"):
            customer = self._client.v1.customers.create(
                _customer_params(party), {"idempotency_key": idempotency_key}
            )
        return customer.id

    def start_setup(
        self, *, customer_ref: str, kind: str, return_url: str, cancel_url: str
    ) -> HostedSetup:
        method_type = SETUP_TYPES.get(kind)
        if method_type is None:
            raise ValueError(f"no hosted form for payment methods of kind {kind!r}")
        with _calling("start the hosted form"):
            session = self._client.v1.checkout.sessions.create(
                {
                    "mode": "setup",
                    "customer": customer_ref,
                    "allowed_payment_method_types": [method_type],
                    "success_url": return_url,
                    "cancel_url": cancel_url,
                }
            )
        if not session.url:
            raise GatewayRefused("Stripe gave the hosted form no address")
        return HostedSetup(reference=session.id, url=session.url)

    def finish_setup(self, *, reference: str) -> MethodDetails | None:
        """None while the payer has not completed the form; GatewayRefused once it expired."""
        with _calling("read the hosted form"):
            session = self._client.v1.checkout.sessions.retrieve(
                reference, {"expand": ["setup_intent.payment_method"]}
            ).to_dict()
        status = session.get("status")
        if status == "expired":
            raise GatewayRefused("The hosted form expired before the payer completed it")
        if status != "complete":
            return None
        intent = session.get("setup_intent")
        method = intent.get("payment_method") if isinstance(intent, Mapping) else None
        if isinstance(method, str):  # not expanded: read it
            with _calling("read the payment method"):
                method = self._client.v1.payment_methods.retrieve(method).to_dict()
        if not isinstance(method, Mapping) or not method.get("id"):
            raise GatewayRefused("The completed hosted form holds no payment method")
        return method_details(method)

    def attach_bank_account(
        self, *, customer_ref: str, iban: str, holder_name: str, idempotency_key: str
    ) -> MethodDetails:
        with _calling("add the bank account"):
            created = self._client.v1.payment_methods.create(
                {
                    "type": "sepa_debit",
                    "sepa_debit": {"iban": iban},
                    "billing_details": {"name": holder_name},
                },
                {"idempotency_key": idempotency_key},
            )
            attached = self._client.v1.payment_methods.attach(
                created.id,
                {"customer": customer_ref},
                {"idempotency_key": f"{idempotency_key}-attach"},
            )
        return method_details(attached.to_dict())

    def detach_method(self, *, token: str) -> None:
        with _calling("remove the payment method"):
            self._client.v1.payment_methods.detach(token)

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
        """A PaymentIntent confirmed off-session, allowed only the method's own type (so Stripe
        asks for no return address). A decline is a result, with Stripe's decline code."""
        with _calling("read the payment method"):
            method_type = self._client.v1.payment_methods.retrieve(token).type
        params: PaymentIntentCreateParams = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer_ref,
            "payment_method": token,
            "allowed_payment_method_types": [method_type],
            "confirm": True,
            "off_session": True,
            "description": description,
            # Echoed in the PaymentIntent's webhooks: an attempt whose call timed out before it
            # learnt the reference is still settled by its event.
            "metadata": {IDEMPOTENCY_METADATA: idempotency_key},
        }
        with _calling("charge"):
            try:
                intent = self._client.v1.payment_intents.create(
                    params, {"idempotency_key": idempotency_key}
                ).to_dict()
            except stripe.CardError as error:  # a decline: an answer, not a failure
                return self._declined(error)
        return self._charge_result(intent)

    @staticmethod
    def _declined(error: stripe.CardError) -> ChargeResult:
        details = _mapping(_mapping(error.json_body).get("error"))
        code = _failure_code(details) or error.code or "card_declined"
        return ChargeResult(
            reference=_id(details.get("payment_intent")),
            succeeded=False,
            failure_code=code,
            failure_message=_text(details.get("message")),
        )

    @staticmethod
    def _charge_result(intent: Mapping[str, Any]) -> ChargeResult:
        reference, status = _text(intent.get("id")), intent.get("status")
        if status == "succeeded":
            return ChargeResult(reference=reference, succeeded=True)
        if status == "processing":
            return ChargeResult(reference=reference, succeeded=False, pending=True)
        error = intent.get("last_payment_error")
        if status == "requires_action":  # off-session, no one is there to authenticate
            code = "authentication_required"
        else:
            code = _failure_code(error) or _text(status) or "failed"
        message = _text(_mapping(error).get("message"))
        return ChargeResult(
            reference=reference, succeeded=False, failure_code=code, failure_message=message
        )

    def refund(self, *, charge_ref: str, amount: int, idempotency_key: str) -> RefundResult:
        """A refund Stripe accepted (``succeeded``, or ``pending`` on its way) succeeded; one
        that failed or was cancelled did not."""
        with _calling("refund"):
            made = self._client.v1.refunds.create(
                {"payment_intent": charge_ref, "amount": amount},
                {"idempotency_key": idempotency_key},
            ).to_dict()
        status = _text(made.get("status"))
        if status in {"succeeded", "pending"}:
            return RefundResult(reference=_text(made.get("id")), succeeded=True)
        reason = _text(made.get("failure_reason")) or status
        return RefundResult(
            reference=_text(made.get("id")), succeeded=False, failure_message=reason
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise WebhookRejected("No Stripe webhook secret is configured")
        signature = _header(headers, SIGNATURE_HEADER)
        try:
            event = self._client.construct_event(
                body, signature, secret, tolerance=WEBHOOK_TOLERANCE
            ).to_dict()
            return _event(event)
        except stripe.SignatureVerificationError:
            raise WebhookRejected("The Stripe signature is missing, wrong or too old") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise WebhookRejected("The Stripe event could not be read") from None
