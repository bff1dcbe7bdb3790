"""Legal process: the register of demands from authorities and others, tiered release with four
eyes, preservation holds, deferred notice and the transparency report (SHR-5, SHR-6, SHR-7)."""

from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "clientvault.legal"
    label = "legal"
    verbose_name = "Legal process"

    def ready(self) -> None:
        """Declare the kinds of message the register sends; remind the legal team daily."""
        from clientvault.legal import messages  # noqa: F401  (declares the kinds)
        from clientvault.legal.services.reminders import legal_daily_job
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_periodic_job(PeriodicJob("legal_daily", legal_daily_job, "daily"))
