"""Web-log analytics that never stores an IP address, usage per service, and its dashboards
(COL-10, COL-11, USE-3, USE-4)."""

from django.apps import AppConfig


class TrafficConfig(AppConfig):
    name = "clientvault.traffic"
    label = "traffic"
    verbose_name = "Traffic"

    def ready(self) -> None:
        """Delete expired salts every hour; show usage on a service's page."""
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job
        from clientvault.traffic import hooks
        from clientvault.traffic.services.sweep import traffic_hourly_job

        register_periodic_job(PeriodicJob("traffic_hourly", traffic_hourly_job, "hourly"))
        hooks.register()  # the usage section on a service's page in the customer area
