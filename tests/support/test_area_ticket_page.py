"""One ticket in the customer area: its conversation, replying, closing, rating, files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clientvault.privacy.models import AuditEvent
from clientvault.support.models import TicketStatus
from clientvault.support.services.tickets import close_ticket, reply_as_staff
from tests.support.tickets import CARD, a_ticket, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(ticket, name="support:ticket"):
    return reverse(name, args=[ticket.number])


def test_it_shows_the_conversation_without_staff_notes(customer, customer_client, staff):
    ticket = a_ticket(customer)
    agent = staff("support")
    reply_as_staff(ticket=ticket, staff=agent, body="Customer seems upset", internal=True)
    reply_as_staff(ticket=ticket, staff=agent, body="We restarted the server.")

    page = text(customer_client.get(url(ticket)))

    assert "We restarted the server." in page
    assert "Customer seems upset" not in page


def test_every_text_shown_is_read_through_reveal(customer, customer_client):
    ticket = a_ticket(customer)
    before = AuditEvent.objects.filter(action="reveal").count()

    customer_client.get(url(ticket))

    assert AuditEvent.objects.filter(action="reveal").count() == before + 2  # title and message


def test_a_teammate_with_support_reads_the_accounts_ticket(customer, teammate_client):
    ticket = a_ticket(customer, title="Owner's ticket")

    assert "Owner's ticket" in text(teammate_client.get(url(ticket)))


def test_it_rejects_outsiders(customer, outsider_client):
    ticket = a_ticket(customer)

    assert outsider_client.get(url(ticket)).status_code == 404
    assert (
        outsider_client.post(url(ticket, "support:ticket_reply"), {"body": "hi"}).status_code == 404
    )


def test_the_customer_replies_and_a_card_number_is_removed(customer, customer_client):
    ticket = a_ticket(customer)

    response = customer_client.post(
        url(ticket, "support:ticket_reply"), {"body": f"card {CARD}"}, follow=True
    )

    page = text(response)
    assert "Your reply was sent." in page
    assert CARD not in page
    assert "[card number removed]" in page


def test_an_empty_reply_is_refused_on_its_field(customer, customer_client):
    ticket = a_ticket(customer)

    response = customer_client.post(url(ticket, "support:ticket_reply"), {"body": ""})

    assert "Your reply: write your message." in text(response)
    assert ticket.messages.count() == 1


def test_a_closed_ticket_takes_no_reply(customer, customer_client):
    ticket = close_ticket(ticket=a_ticket(customer), actor=customer.user)

    page = text(customer_client.get(url(ticket)))
    assert "This ticket is closed" in page
    response = customer_client.post(
        url(ticket, "support:ticket_reply"), {"body": "More"}, follow=True
    )
    assert "is closed and takes no more replies" in text(response)
    assert ticket.messages.count() == 1


def test_the_customer_closes_and_rates(customer, customer_client):
    ticket = a_ticket(customer)

    customer_client.post(url(ticket, "support:ticket_close"))
    customer_client.post(url(ticket, "support:ticket_rate"), {"rating": "5"})

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.rating == 5


def test_a_file_is_served_only_to_the_account_as_a_download(
    customer, customer_client, outsider_client
):
    png = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 40, "image/png")
    customer_client.post(
        reverse("support:ticket_new"),
        {
            "department": "support",
            "priority": "normal",
            "title": "See",
            "body": "Screenshot",
            "attachments": [png],
        },
    )
    from clientvault.support.models import Attachment

    attachment = Attachment.objects.get()
    ticket = attachment.message.ticket
    file_url = reverse("support:ticket_file", args=[ticket.number, attachment.pk])

    response = customer_client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"\x89PNG")
    assert outsider_client.get(file_url).status_code == 404
