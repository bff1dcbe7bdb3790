from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "clientvault.rights"
    label = "rights"
    verbose_name = "Rights requests"
