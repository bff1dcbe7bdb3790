"""The kernel's shared-reading rule support registers: an authorised user with the support
permission reads the account's tickets, and nothing else sealed for the account's owner."""

from __future__ import annotations

import pytest

from clientvault.privacy.reveal import RevealDenied, reveal
from clientvault.support.access import account_ticket_reading
from tests.support.tickets import a_ticket

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_a_teammate_reads_the_accounts_ticket(customer, teammate):
    ticket = a_ticket(customer, title="Owner's ticket")

    assert reveal(ticket, "title", "support", teammate.user) == "Owner's ticket"


def test_the_rule_opens_nothing_but_tickets(customer, teammate):
    assert not account_ticket_reading(teammate.user, customer, customer.subject_id, "support")

    with pytest.raises(RevealDenied):
        reveal(customer, "email", "support", teammate.user)


def test_it_needs_the_support_permission(customer, teammate):
    ticket = a_ticket(customer)
    teammate.permissions = ["billing"]
    teammate.save()

    with pytest.raises(RevealDenied):
        reveal(ticket, "title", "support", teammate.user)


def test_an_outsider_never_reads_it(customer, outsider):
    with pytest.raises(RevealDenied):
        reveal(a_ticket(customer), "title", "support", outsider.user)
