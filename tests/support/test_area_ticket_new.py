"""Opening a ticket from the customer area: the form, its refusals, redaction of secrets."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clientvault.support.models import Attachment, Ticket
from tests.support.tickets import CARD, opened, text

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
URL = reverse("support:ticket_new")
FORM = {
    "department": "support",
    "priority": "normal",
    "title": "Site down",
    "body": "It answers 502.",
}


def test_it_opens_a_ticket_and_shows_it(customer, customer_client):
    response = customer_client.post(URL, FORM, follow=True)

    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == reverse("support:ticket", args=[ticket.number])
    page = text(response)
    assert f"Ticket {ticket.number} is open" in page
    assert "It answers 502." in page


def test_it_redacts_a_card_number_and_tells_the_customer(customer, customer_client):
    response = customer_client.post(
        URL, {**FORM, "body": f"My card {CARD} was charged twice"}, follow=True
    )

    page = text(response)
    assert response.status_code == 200
    assert CARD not in page
    assert "[card number removed]" in page
    assert "removed 1 card number" in page.lower() or "card number" in page.lower()
    assert CARD not in opened(Ticket.objects.get().messages.get())


def test_it_names_the_missing_field(customer, customer_client):
    response = customer_client.post(URL, {**FORM, "title": ""})

    assert response.status_code == 200
    assert "Subject: say in a few words what it is about." in text(response)
    assert not Ticket.objects.exists()


def test_it_refuses_a_disguised_file(customer, customer_client):
    program = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", "application/pdf"
    )

    response = customer_client.post(URL, {**FORM, "attachments": [program]})

    assert "is not a type we accept" in text(response)
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


def test_it_refuses_a_picture_named_as_a_pdf(customer, customer_client):
    png = SimpleUploadedFile("report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "application/pdf")

    response = customer_client.post(URL, {**FORM, "attachments": [png]})

    assert "named as another type than it holds" in text(response)
    assert not Ticket.objects.exists()


def test_it_keeps_a_text_file_sealed_and_redacted(customer, customer_client):
    log = SimpleUploadedFile("error.log", f"payment with {CARD} failed\n".encode(), "text/plain")

    customer_client.post(URL, {**FORM, "attachments": [log]})

    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    assert attachment.subject_id == customer.subject_id
    assert attachment.removed == {"card": 1}


def test_it_refuses_a_service_of_another_account(customer, outsider, customer_client):
    response = customer_client.post(URL, {**FORM, "service": "svc-notmine"})

    assert "Service: choose one of your services." in text(response)
    assert not Ticket.objects.exists()


def test_a_form_sent_back_never_shows_the_card_number(customer, customer_client):
    program = SimpleUploadedFile("notes.txt", b"MZ\x90\x00\x03binary", "text/plain")

    response = customer_client.post(
        URL, {**FORM, "body": f"my card {CARD} was charged", "attachments": [program]}
    )

    page = response.content.decode()
    assert "is not a type we accept" in text(response)
    assert CARD not in page
    assert CARD.replace(" ", "") not in page.replace(" ", "")
    assert not Ticket.objects.exists()
