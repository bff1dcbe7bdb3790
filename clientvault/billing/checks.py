"""Deployment checks of the payment gateway's settings (`clientvault check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_payment_gateway(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.PAYMENT_GATEWAY == "test":
        return [
            Error(
                "The test payment gateway is configured: no real payment can be taken.",
                hint="Set CLIENTVAULT_PAYMENT_GATEWAY=stripe with STRIPE_SECRET_KEY and "
                "STRIPE_WEBHOOK_SECRET.",
                id="clientvault.billing.E001",
            )
        ]
    missing = [
        name
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")
        if not getattr(settings, name)
    ]
    if missing:
        return [
            Error(
                f"{' and '.join(missing)} must be set for the stripe payment gateway.",
                id="clientvault.billing.E002",
            )
        ]
    return []
