"""Breach response: incidents, their scope from the access and audit logs, the regulator's clock
and the notices to the people affected by e-mail, letter and telephone (SEC-4, SEC-5)."""

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "clientvault.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        """Declare the kinds of message incidents send; every hour, remind the handlers of
        incidents near the regulator's deadline; show breach notices on the dashboard."""
        from clientvault.incidents import messages  # noqa: F401  (declares the kinds)
        from clientvault.incidents.services.clock import incidents_hourly
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_periodic_job(PeriodicJob("incidents_hourly", incidents_hourly, "hourly"))
        from clientvault.accounts.dashboard import register_open_items
        from clientvault.incidents.dashboard import security_notices

        register_open_items(security_notices)
