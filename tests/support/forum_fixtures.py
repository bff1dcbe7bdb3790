"""Shared fixtures and makers for the forum and review tests (import what a module uses)::

    from tests.support.forum_fixtures import category, thread  # noqa: F401

- ``category``: the first of the forum's starting categories ("Getting started").
- ``thread``: a thread the ``customer`` persona (Ada Lovelace) started in it.
- ``a_thread(person, category)`` and ``a_reply(person, thread)``: made through the services.
- ``an_abuse_message(person)``: the first message of an abuse-department ticket of the account.
"""

from __future__ import annotations

from typing import Any

import pytest

from clientvault.accounts.models import Person
from clientvault.support.models import Department, ForumCategory, Post, Thread, TicketMessage
from clientvault.support.services.forum import ensure_forum_categories, post_reply, start_thread
from clientvault.support.services.tickets import open_ticket

FIRST_POST = "How do I point my domain at my hosting? The DNS records confuse me."
REPLY = "Set the A record to the address on your service page."
PUBLIC_ACK = "I understand this post is public"


def a_thread(
    person: Person,
    category: ForumCategory | None = None,
    *,
    title: str = "Pointing a domain at my site",
    body: str = FIRST_POST,
) -> Thread:
    where = category or ensure_forum_categories()[0]
    published = start_thread(
        person=person,
        category=where,
        title=title,
        body=body,
        actor=person.user,  # type: ignore[arg-type]
    )
    return published.thread


def a_reply(person: Person, thread: Thread, body: str = REPLY) -> Post:
    return post_reply(person=person, thread=thread, body=body, actor=person.user).post  # type: ignore[arg-type]


def an_abuse_message(
    person: Person, body: str = "Your customer's site sends me spam."
) -> TicketMessage:
    posted = open_ticket(
        person=person,
        title="Spam from a hosted site",
        body=body,
        department=Department.ABUSE,
        actor=person.user,  # type: ignore[arg-type]
    )
    return posted.message


@pytest.fixture
def category(db: None) -> ForumCategory:
    return ensure_forum_categories()[0]


@pytest.fixture
def thread(customer: Person, category: ForumCategory) -> Thread:
    return a_thread(customer, category)


def opening(thread: Thread) -> Post:
    return thread.posts.order_by("created_at").first()  # type: ignore[return-value]


def audit_actions(**lookup: Any) -> list[str]:
    from clientvault.privacy.models import AuditEvent

    return list(
        AuditEvent.objects.filter(**lookup).order_by("seq").values_list("action", flat=True)
    )
