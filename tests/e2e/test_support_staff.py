"""A support agent in the browser: signs in with their authenticator, finds a customer's ticket
in the queue, reads it, replies and takes it; a card number in the reply is removed before it
is stored or mailed, and the agent is told. Every page passes axe-core on a phone and a
desktop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.accounts.models import AuthenticatorDevice, StaffRole
from clientvault.privacy.models import AuditEvent
from clientvault.support.models import TicketStatus
from tests.accounts.personas import PASSWORD
from tests.e2e.support import (
    device_code,
    fill_fields,
    looks_right,
    sign_in_with_browser,
    submit,
)
from tests.support.staff_fixtures import BODY, TITLE, a_ticket, queued_mail
from tests.support.tickets import CARD, CARD_DIGITS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "keys"]),
]


def test_a_support_agent_reads_a_ticket_and_replies(page, customer, staff, shot):
    ticket = a_ticket(customer)
    agent = staff(StaffRole.SUPPORT)
    sign_in_with_browser(page, agent.username, PASSWORD)
    page.wait_for_url(f"**{reverse('accounts:two_factor')}*")
    page.get_by_label("Code", exact=True).fill(
        device_code(AuthenticatorDevice.objects.get(user=agent))
    )
    submit(page)
    page.wait_for_load_state()

    page.goto(reverse("support:staff_queue"))
    row = page.get_by_role("row").filter(has_text=ticket.number)
    assert "Waiting for staff" in row.inner_text()
    assert customer.customer.number in row.inner_text()
    assert TITLE not in page.content()
    looks_right(page, "the ticket queue")
    shot(page, "staff-ticket-queue")

    row.get_by_role("link", name=ticket.number).click()
    page.wait_for_url(f"**{reverse('support:staff_ticket', args=[ticket.number])}")
    main = page.locator("main").inner_text()
    assert TITLE in main
    assert BODY in main
    assert AuditEvent.objects.filter(action="access.view", actor_id=f"user:{agent.pk}").exists()
    looks_right(page, "a ticket")

    fill_fields(page, {"Message": f"Please never send {CARD} here. Your site is back up."})
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()
    shown = page.locator("main").inner_text() + page.locator(".messages").inner_text()
    assert "Your reply was sent to the customer" in shown
    assert "We removed 1 card number" in shown
    assert "[card number removed] here. Your site is back up." in shown
    assert CARD not in page.content()
    assert CARD_DIGITS not in str(queued_mail()).replace(" ", "")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    looks_right(page, "a ticket after a reply")
    shot(page, "staff-ticket-replied")

    with page.expect_navigation():
        page.get_by_role("button", name="Assign to me", exact=True).click()
    assert f"Ticket {ticket.number} is assigned to you." in page.locator(".messages").inner_text()
    ticket.refresh_from_db()
    assert ticket.assigned_to == agent
