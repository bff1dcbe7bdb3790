"""The demo's support desk: tickets open and closed, one with a card number the redactor
removed, answered by Sam from support.

- Carol asks why her shop's checkout shows an error; Sam answers; she replies with the card she
  paid with typed out in full (the stored message holds "[card number removed]", and she was
  told). The ticket waits for staff.
- Carol asked billing to change her invoice address; Sam answered, she closed it and rated it 5.
- Omar asks for more disk on the dedicated server; the ticket is on hold, with a staff note.
- Someone without an account writes to the support address asking about Windows hosting: the
  mail listener's own code opens a ticket for a correspondent and queues the acknowledgement.
- The forum's categories, with two threads: Kai asks about DNS and Carol answers; an
  advertiser's post (Nina's account, posting spam) was reported, and Sam hid it for spam after
  review, which Nina sees on the post.

Everything goes through support's services. Idempotent: once a ticket exists, nothing is done.
"""

from __future__ import annotations

from email.message import EmailMessage

from django.db.models import Count

from clientvault.accounts.models import Person, User
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.messaging.inbound import receive
from clientvault.privacy.profile import current_profile
from clientvault.support.models import Priority, ReviewAction, Ticket, TicketStatus
from clientvault.support.services.forum import ensure_forum_categories, post_reply, start_thread
from clientvault.support.services.review import flag_post, review_post
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


def _stranger_by_mail() -> None:
    mail = EmailMessage()
    mail["From"] = "Jordan Lee <jordan.lee@example.org>"
    mail["To"] = current_profile().support_email
    mail["Subject"] = "Do you offer Windows hosting?"
    mail["Message-ID"] = "<demo-windows-hosting@example.org>"
    mail.set_content(
        "Hello, we run an ASP.NET site. Do you offer Windows hosting, and at what price?"
    )
    receive(bytes(mail), envelope_to=[current_profile().support_email])


def _forum(support: User) -> None:
    categories = {c.slug: c for c in ensure_forum_categories()}
    kai, carol = _person("kai.mueller@example.de"), _person("carol@example.com")
    thread = start_thread(
        person=kai,
        category=categories["domains-and-dns"],
        title="How long until a new A record works?",
        body="I changed the A record of kai-mueller-photo.com an hour ago. When does everyone "
        "see it?",
        actor=kai.user,  # type: ignore[arg-type]
    ).post.thread
    post_reply(
        person=carol,
        thread=thread,
        body="It depends on the record's TTL: with the default of one hour, within the hour.",
        actor=carol.user,  # type: ignore[arg-type]
    )
    nina = _person("nina@orbit-analytics.example")
    spam = post_reply(
        person=nina,
        thread=thread,
        body="Cheap followers for your photo site! Visit our shop for 10,000 likes today.",
        actor=nina.user,  # type: ignore[arg-type]
    ).post
    flag_post(post=spam, ground="spam", flagged_by=carol.user)  # type: ignore[arg-type]
    review_post(target=spam, action=ReviewAction.HIDDEN, ground="spam", reviewer=support)


def load_support(*, support: User) -> None:
    """The demo's tickets and forum, once (``support``: the staff member who answers and
    reviews)."""
    if Ticket.objects.exists():
        return
    carol = _person("carol@example.com")
    _carol_checkout(carol, support)
    _carol_billing(carol, support)
    _omar_disk(_person("omar@orbit-analytics.example"), support)
    _stranger_by_mail()
    _forum(support)


def support_lines() -> list[str]:
    """The demo's tickets by status, for ``clientvault demo --logins``."""
    counts = dict(Ticket.objects.values_list("status").annotate(n=Count("pk")))
    if not counts:
        return []
    said = ", ".join(f"{counts.get(v, 0)} {label.lower()}" for v, label in TicketStatus.choices)
    return [f"Support: tickets {said}."]
