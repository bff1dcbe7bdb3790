from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "clientvault.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        """Declare messaging's own kinds of message; resume, every hour, deliveries whose
        worker died mid-send."""
        from clientvault.messaging import messages  # noqa: F401  (declares its kinds)
        from clientvault.messaging.delivery import resume_stalled_messages
        from clientvault.privacy.tasks import PeriodicJob, register_periodic_job

        register_periodic_job(
            PeriodicJob("resume_stalled_messages", resume_stalled_messages, "hourly")
        )
