from django.apps import AppConfig


class HostingConfig(AppConfig):
    name = "clientvault.hosting"
    label = "hosting"
    verbose_name = "Hosting"
