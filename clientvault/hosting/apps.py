from django.apps import AppConfig


class HostingConfig(AppConfig):
    name = "clientvault.hosting"
    label = "hosting"
    verbose_name = "Hosting"

    def ready(self) -> None:
        """Declare hosting's models to the privacy inventory; let billing's dunning suspend and
        restore services and its invoices set up (or cancel) orders; tell the kernel which
        service serves a domain (the site directory); teach the call runner
        the panel's and registrar's calls; run the daily hosting run and, every hour, resume
        calls a dead worker left."""
        from clientvault.accounts.followups import register_profile_follow_ups
        from clientvault.billing.hooks import (
            InvoiceHooks,
            SuspensionHooks,
            register_invoice_hooks,
            register_suspension_hooks,
        )
        from clientvault.hosting import privacy  # noqa: F401  (declarations)
        from clientvault.hosting.directory import DomainContactBook
        from clientvault.hosting.jobs import hosting_daily, resume_calls
        from clientvault.hosting.services import provisioning, registration
        from clientvault.hosting.services.lifecycle import (
            restore_after_payment,
            suspend_for_unpaid,
        )
        from clientvault.hosting.services.orders import order_cancelled, order_paid
        from clientvault.hosting.services.registry_rules import registrant_blocker
        from clientvault.hosting.sites import ServiceSites
        from clientvault.hosting.views import area_sync
        from clientvault.privacy.directory import register_contact_book
        from clientvault.privacy.services.erasure import register_erasure_blocker
        from clientvault.privacy.sites import register_sites
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_contact_book(DomainContactBook())
        register_sites(ServiceSites())
        register_profile_follow_ups(area_sync.follow_ups)
        register_erasure_blocker(registrant_blocker)
        register_suspension_hooks(SuspensionHooks(suspend_for_unpaid, restore_after_payment))
        register_invoice_hooks(InvoiceHooks(paid=order_paid, cancelled=order_cancelled))
        provisioning.register()
        registration.register()
        register_periodic_job(PeriodicJob("hosting_daily", hosting_daily, "daily"))
        register_periodic_job(PeriodicJob("resume_calls", resume_calls, "hourly"))
        from clientvault.hosting.queries import register_dashboard_cards

        register_dashboard_cards()
