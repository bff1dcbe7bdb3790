from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientvault.accounts"
    label = "accounts"
    verbose_name = "Accounts"
