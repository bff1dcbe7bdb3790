from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientvault.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Declare the kinds of message accounts sends; add the sweep of signups never
        confirmed to the kernel's retention sweep; answer the kernel's directory."""
        import clientvault.accounts.messages  # noqa: F401  (declares the kinds)
        from clientvault.accounts.audiences import register

        register()
        from clientvault.accounts.services.confirmation import UNCONFIRMED_SIGNUPS
        from clientvault.privacy.services.retention import register_rule

        register_rule(UNCONFIRMED_SIGNUPS)
        from clientvault.accounts.directory import AccountsDirectory
        from clientvault.privacy.directory import register_directory

        register_directory(AccountsDirectory())
