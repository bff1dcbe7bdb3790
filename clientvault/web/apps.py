from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clientvault.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from clientvault.web import checks  # noqa: F401  (registers the deployment checks)
