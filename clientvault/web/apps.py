from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clientvault.web"
    label = "web"
    verbose_name = "Web"
