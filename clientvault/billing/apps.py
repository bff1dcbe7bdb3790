from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "clientvault.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        """Declare billing's models to the privacy inventory, the notices it sends (message
        kinds) and its deployment checks."""
        from clientvault.billing import (  # noqa: F401  (declarations, checks)
            checks,
            messages,
            privacy,
        )
