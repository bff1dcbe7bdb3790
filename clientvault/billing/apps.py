from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "clientvault.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        """Declare billing's models to the privacy inventory, the notices it sends (message
        kinds) and its deployment checks; run the billing run daily and, every hour, send
        again the charges whose outcome is still unknown; let the retention sweep remove the
        billing settings of accounts erased longer ago than the invoices' period."""
        from clientvault.billing import (  # noqa: F401  (declarations, checks)
            checks,
            messages,
            privacy,
        )
        from clientvault.billing.jobs import billing_daily, resume_payments
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_periodic_job(PeriodicJob("billing_daily", billing_daily, "daily"))
        from clientvault.billing.services.accounts import ERASED_ACCOUNTS
        from clientvault.privacy.services.retention import register_rule

        register_rule(ERASED_ACCOUNTS)
        register_periodic_job(PeriodicJob("resume_payments", resume_payments, "hourly"))
