"""For the access walks (pages and API): the first account and everything it owns, and every
route of the project's resolver.

Import the fixture with the personas a walk uses::

    from tests.accounts.access_world import world  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clientvault.accounts.models import (
    ApiToken,
    Invitation,
    Permission,
    Person,
    ReportStatus,
    UnauthorisedUseReport,
    UserSession,
)
from clientvault.accounts.services import create_api_token
from tests.accounts.personas import OWNER_DETAILS, add_authorised_user

ALL_PERMISSIONS = [str(p) for p in Permission.values]


@dataclass
class World:
    owner: Person
    colleague: Person  # an authorised user, the object of user_edit / user_remove
    token: ApiToken
    session: UserSession
    report: UnauthorisedUseReport
    invitation: Invitation

    @property
    def markers(self) -> list[str]:
        """Text that only the first account's pages may show."""
        return [
            self.owner.customer.number,
            OWNER_DETAILS["email"],
            OWNER_DETAILS["family_name"],
            str(self.colleague.email),
            self.token.prefix,
        ]

    def member_lacking(self, permission: str | None, username: str) -> Person:
        """An authorised user with every permission but ``permission`` (None: with none)."""
        granted = [p for p in ALL_PERMISSIONS if permission is not None and p != permission]
        email = f"{username.replace('_', '-')}@example.com"
        return add_authorised_user(self.owner, username=username, email=email, permissions=granted)


Filler = Callable[[World], Any]


@pytest.fixture
def world(customer: Person) -> World:
    now = timezone.now()
    colleague = add_authorised_user(
        customer, username="colleague", email="colleague@example.com", permissions=[]
    )
    token, _ = create_api_token(user=customer.user, name="laptop")  # type: ignore[arg-type]
    session = UserSession.objects.create(
        user=customer.user,
        subject=customer.subject,
        key_digest="walk" + "0" * 60,
        ip_address="192.0.2.10",
        browser="Firefox 128 on Linux",
        created_at=now,
        last_seen_at=now,
    )
    report = UnauthorisedUseReport.objects.create(
        customer=customer.customer,
        person=customer,
        subject=customer.subject,
        description="A sign-in I do not recognise.",
        status=ReportStatus.OPEN,
        created_at=now,
    )
    invitation = Invitation.objects.create(
        customer=customer.customer,
        subject=colleague.subject,
        email="invited@example.com",
        permissions=[],
        token_digest="0" * 64,
        invited_by=customer.user,
        expires_at=now + timedelta(days=7),
    )
    return World(customer, colleague, token, session, report, invitation)


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


def shows_first_account(response: Any, world: World) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in world.markers if marker and marker in body]


def resolver_entries(
    patterns: list[Any] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(namespace, full route text, pattern) for every route of ROOT_URLCONF, all namespaces."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from resolver_entries(entry.url_patterns, inner, text)
        else:
            yield namespace, text, entry
