"""What ``make run`` does, minus the browser: run by tests/web/test_dev_mail_log.py inside
``clientvault shell`` (the development settings, their logging, a fresh database).

Loads the demo (its invitation and resets), asks for a password reset through the site, starts
identity checks by e-mail and by text message, and runs the worker until the queue is empty.
"""

from __future__ import annotations

from io import StringIO


def main() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from clientvault.accounts.models import Channel, CheckMethod, Person, User
    from clientvault.accounts.services.identity import start_identity_check

    call_command("demo", stdout=StringIO())
    reset = Client().post(reverse("accounts:password_reset"), {"identifier": "carol@example.com"})
    assert reset.status_code == 302, reset.status_code
    support = User.objects.get(username="sam.support")
    carol = Person.objects.get(user__username="carol")
    for method in (CheckMethod.EMAIL_CODE, CheckMethod.PHONE_CODE):
        start_identity_check(staff=support, person=carol, channel=Channel.TELEPHONE, method=method)
    call_command("worker", "--batch", "--interval=0")


main()
