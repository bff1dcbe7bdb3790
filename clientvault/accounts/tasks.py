"""Background jobs of the accounts app: sending queued e-mail."""

from __future__ import annotations

from django_tasks import task

from clientvault.accounts.mail import deliver, open_message


@task()
def send_email(sealed: str) -> dict[str, int]:
    """Open and send one message queued by :func:`clientvault.accounts.mail.queue_email`.

    The return value (stored with the job) is a count, never the address.
    """
    deliver(open_message(sealed))
    return {"sent": 1}
