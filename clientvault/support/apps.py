from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "clientvault.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        """Declare support's models to the privacy inventory and its mail to messaging; let
        the people of an account with the support permission read its tickets, and list the
        open ones on the dashboard; take mail for the support address; let its API receive
        card numbers, to redact them."""
        from clientvault.accounts.dashboard import register_open_items
        from clientvault.billing.middleware import register_redacting_api_path
        from clientvault.messaging.inbound.mailboxes import register_mailbox
        from clientvault.privacy.reveal import register_shared_reading
        from clientvault.support import messages, privacy  # noqa: F401  (declarations)
        from clientvault.support.access import account_ticket_reading
        from clientvault.support.dashboard import open_tickets
        from clientvault.support.services.inbound import SUPPORT_MAILBOX

        register_shared_reading(account_ticket_reading)
        register_open_items(open_tickets)
        register_mailbox(SUPPORT_MAILBOX)
        register_redacting_api_path("/api/v1/support/")
