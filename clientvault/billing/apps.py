from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "clientvault.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from clientvault.billing import checks, privacy  # noqa: F401  (declarations, checks)
