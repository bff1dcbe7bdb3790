from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "clientvault.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        """Declare messaging's own kinds of message and the campaigns'; resume, every hour,
        deliveries whose worker died mid-send."""
        import clientvault.messaging.campaign_kinds  # noqa: F401  (declares the kinds)
        from clientvault.messaging import messages  # noqa: F401  (declares its kinds)
        from clientvault.messaging.delivery import resume_stalled_messages
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_periodic_job(
            PeriodicJob("resume_stalled_messages", resume_stalled_messages, "hourly")
        )
