"""Web-log analytics that never stores an IP address, usage per service, and its dashboards
(COL-10, COL-11, USE-3, USE-4)."""

from django.apps import AppConfig


class TrafficConfig(AppConfig):
    name = "clientvault.traffic"
    label = "traffic"
    verbose_name = "Traffic"

    def ready(self) -> None:
        """Drop expired salts and visit rows every hour."""
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job
        from clientvault.traffic.services.sweep import traffic_hourly_job

        register_periodic_job(PeriodicJob("traffic_hourly", traffic_hourly_job, "hourly"))
