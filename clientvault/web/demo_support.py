"""The demo's support desk: tickets open and closed, one with a card number the redactor
removed, answered by Sam from support.

- Carol asks why her shop's checkout shows an error; Sam answers; she replies with the card she
  paid with typed out in full (the stored message holds "[card number removed]", and she was
  told). The ticket waits for staff.
- Carol asked billing to change her invoice address; Sam answered, she closed it and rated it 5.
- Omar asks for more disk on the dedicated server; the ticket is on hold, with a staff note.

Everything goes through support's services. Idempotent: once a ticket exists, nothing is done.
"""

from __future__ import annotations

from django.db.models import Count

from clientvault.accounts.models import Person, User
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.support.models import Priority, Ticket, TicketStatus
from clientvault.support.services.tickets import (
    change_status,
    close_ticket,
    open_ticket,
    rate_ticket,
    reply_as_customer,
    reply_as_staff,
)

DEMO_CARD = "4242 4242 4242 4242"  # the payment industry's public test card number


def _person(email: str) -> Person:
    found = find_person_by_email(email)
    if found is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return found


def _carol_checkout(carol: Person, support: User) -> None:
    ticket = open_ticket(
        person=carol,
        title="Checkout page shows an error",
        body="Since yesterday the checkout of carol-bakes.com shows 'Internal Server Error' "
        "after the customer presses Pay. Nothing changed on my side.",
        department="support",
        priority=Priority.HIGH,
        actor=carol.user,  # type: ignore[arg-type]
    ).ticket
    reply_as_staff(
        ticket=ticket,
        staff=support,
        body="Thank you, Carol. The PHP error log shows the payment plugin timing out. Which "
        "card did the failed test payment use? Never send the full number: the brand and the "
        "last four digits are enough.",
    )
    reply_as_customer(
        ticket=ticket,
        person=carol,
        body=f"Sorry, I only saw that afterwards. It was my own card, {DEMO_CARD}, exp 08/29.",
        actor=carol.user,
    )


def _carol_billing(carol: Person, support: User) -> None:
    ticket = open_ticket(
        person=carol,
        title="New address for my invoices",
        body="We moved the bakery: how do I put the new address on my invoices?",
        department="billing",
        priority=Priority.LOW,
        actor=carol.user,  # type: ignore[arg-type]
    ).ticket
    reply_as_staff(
        ticket=ticket,
        staff=support,
        body="You can change it yourself under Billing, then Billing details; the next invoice "
        "carries it.",
    )
    close_ticket(ticket=ticket, actor=carol.user)  # type: ignore[arg-type]
    rate_ticket(ticket=ticket, rating=5, actor=carol.user)  # type: ignore[arg-type]


def _omar_disk(omar: Person, support: User) -> None:
    ticket = open_ticket(
        person=omar,
        title="More disk on the dedicated server",
        body="Our analytics database grows by 40 GB a month. What are the options for more disk?",
        department="support",
        actor=omar.user,  # type: ignore[arg-type]
    ).ticket
    reply_as_staff(
        ticket=ticket,
        staff=support,
        body="Asked the data-centre team for a quote on a second 2 TB drive.",
        internal=True,
    )
    change_status(ticket=ticket, status=TicketStatus.ON_HOLD, actor=support)


def load_support(*, support: User) -> None:
    """The demo's tickets, once (``support``: the support staff member who answers)."""
    if Ticket.objects.exists():
        return
    carol = _person("carol@example.com")
    _carol_checkout(carol, support)
    _carol_billing(carol, support)
    _omar_disk(_person("omar@orbit-analytics.example"), support)


def support_lines() -> list[str]:
    """The demo's tickets by status, for ``clientvault demo --logins``."""
    counts = dict(Ticket.objects.values_list("status").annotate(n=Count("pk")))
    if not counts:
        return []
    said = ", ".join(f"{counts.get(v, 0)} {label.lower()}" for v, label in TicketStatus.choices)
    return [f"Support: tickets {said}."]
