"""A support ticket in the browser: Ada opens one about her card, typing the card number; the
page tells her it was removed before anything was stored, the conversation shows the marker,
and the number is nowhere in the database or the outbox. Every page passes axe-core."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from clientvault.support.models import Ticket
from tests.accounts.personas import PASSWORD
from tests.e2e.support import open_menu, sign_in_with_browser
from tests.e2e.test_hosting_order import looks_right, main_text
from tests.support.tickets import CARD, CARD_DIGITS, opened

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def every_text_column() -> str:
    """Every table of the data database, every row, as text: what a raw dump would show."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump += [" ".join(str(value) for value in row) for row in cursor.fetchall()]
    return "\n".join(dump)


def test_a_card_number_typed_in_a_ticket_is_removed_and_the_customer_told(page, customer):
    sign_in_with_browser(page, "ada", PASSWORD)
    open_menu(page)
    page.get_by_role("link", name="Support", exact=True).click()
    page.wait_for_url(f"**{reverse('support:tickets')}")
    assert "No support tickets yet." in main_text(page)
    looks_right(page, "no tickets yet")

    page.get_by_role("link", name="Open a ticket").click()
    looks_right(page, "the new ticket form")
    page.get_by_label("Department").select_option("billing")
    page.get_by_label("Subject").fill("Charged twice")
    page.get_by_label("Message").fill(
        f"You charged my card {CARD} twice this month. Please refund one."
    )
    page.get_by_role("button", name="Open the ticket").click()
    page.wait_for_url(re.compile(r".*/account/support/T-\d+$"))

    said = page.locator(".messages").inner_text()
    assert "card number" in said
    text = main_text(page)
    assert "You charged my card [card number removed] twice this month." in text
    assert CARD not in page.content()
    looks_right(page, "the ticket")

    ticket = Ticket.objects.get()
    assert CARD not in opened(ticket.messages.get())
    dump = every_text_column().replace(" ", "").replace("-", "")
    assert CARD_DIGITS not in dump
