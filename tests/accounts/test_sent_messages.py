# ruff: noqa: F811  (pytest fixtures imported from personas and mailutil)
"""Messages we sent you: a person sees their own messages as kept, secrets withheld; a teammate
or an outsider gets a 404; every reading of a message is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.messaging.models import Message
from clientvault.privacy.models import AuditEvent
from tests.accounts.mailutil import deliver_mail, smtp_server  # noqa: F401
from tests.accounts.personas import (  # noqa: F401
    customer,
    customer_client,
    outsider,
    sign_in,
    teammate,
)
from tests.messaging.support import queue_notice

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
LIST = reverse("accounts:sent_messages")


def sent_to(person) -> Message:
    message = queue_notice(person.subject, to=str(person.email))
    deliver_mail()
    return message


def detail(message) -> str:
    return reverse("accounts:sent_message", args=[message.pk])


def test_it_lists_the_persons_messages(customer, customer_client, smtp_server):
    sent_to(customer)
    page = customer_client.get(LIST).content.decode()
    assert "Service notice" in page
    assert "Sent" in page


def test_it_says_so_when_there_is_nothing(customer_client):
    assert "We have not sent you anything yet." in customer_client.get(LIST).content.decode()


def test_it_shows_the_kept_copy_with_the_secret_withheld(customer, customer_client, smtp_server):
    message = sent_to(customer)
    page = customer_client.get(detail(message)).content.decode()
    assert "Your server is ready" in page
    assert "(withheld from the stored copy)" in page
    assert "secret-link" not in page
    reads = AuditEvent.objects.filter(action="reveal", subject_id=customer.subject_id)
    assert reads.count() == 2  # the subject line and the text


def test_it_rejects_a_teammate(customer, teammate, client, smtp_server):
    message = sent_to(customer)
    assert sign_in(client, teammate.user).get(detail(message)).status_code == 404


def test_it_rejects_outsiders(customer, outsider, client, smtp_server):
    message = sent_to(customer)
    signed_in = sign_in(client, outsider.user)
    assert signed_in.get(detail(message)).status_code == 404
    assert "We have not sent you anything yet." in signed_in.get(LIST).content.decode()
