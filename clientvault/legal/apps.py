from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "clientvault.legal"
    label = "legal"
    verbose_name = "Legal process"
