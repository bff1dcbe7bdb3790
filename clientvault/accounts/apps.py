from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientvault.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Add the sweep of signups never confirmed to the kernel's retention sweep."""
        from clientvault.accounts.services.confirmation import UNCONFIRMED_SIGNUPS
        from clientvault.privacy.services.retention import register_rule

        register_rule(UNCONFIRMED_SIGNUPS)
