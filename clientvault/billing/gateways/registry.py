"""Which gateway is in use: ``CLIENTVAULT_PAYMENT_GATEWAY`` (``test`` or ``stripe``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from clientvault.billing.gateways.base import Gateway

ADAPTERS: dict[str, str] = {
    "test": "clientvault.billing.gateways.testgateway.TestGateway",
    "stripe": "clientvault.billing.gateways.stripe.StripeGateway",
}


def gateway_named(name: str) -> Gateway:
    path = ADAPTERS.get(name)
    if path is None:
        known = ", ".join(sorted(ADAPTERS))
        raise ImproperlyConfigured(f"unknown payment gateway {name!r} (known: {known})")
    factory: Callable[[], Gateway] = import_string(path)
    return factory()


def current_gateway() -> Gateway:
    return gateway_named(settings.PAYMENT_GATEWAY)
