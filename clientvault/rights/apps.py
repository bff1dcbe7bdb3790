from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "clientvault.rights"
    label = "rights"
    verbose_name = "Rights requests"

    def ready(self) -> None:
        """Declare the kinds of message requests send; run the daily work and, every hour,
        the work of requests no worker finished; show open requests on the dashboard; take the
        data requests customers make in support tickets."""
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job
        from clientvault.rights import messages  # noqa: F401  (declares the kinds)
        from clientvault.rights.services.daily import rights_daily
        from clientvault.rights.services.work import resume_stalled_requests

        register_periodic_job(PeriodicJob("rights_daily", rights_daily, "daily"))
        register_periodic_job(
            PeriodicJob("resume_stalled_requests", resume_stalled_requests, "hourly")
        )
        from clientvault.accounts.dashboard import register_open_items
        from clientvault.rights.dashboard import open_requests

        register_open_items(open_requests)
        from clientvault.rights.tickets import take_from_ticket
        from clientvault.support.hooks import register_request_intake

        register_request_intake(take_from_ticket)
