from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "clientvault.incidents"
    label = "incidents"
    verbose_name = "Incidents"
