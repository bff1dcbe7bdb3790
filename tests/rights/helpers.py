"""Shared helpers for the rights tests: signed-in clients, running the rights jobs, codes."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from django.test import Client

from clientvault.accounts.models import Person
from clientvault.accounts.services.sessions import REAUTH_AT
from clientvault.privacy.directory import directory
from clientvault.rights.models import RightsRequest
from clientvault.rights.services.exports import make_export
from clientvault.rights.services.intake import ask_as_customer
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.work import fulfil_request
from tests.accounts import personas
from tests.accounts.mailutil import body, deliver_mail, run_queued

CODE = re.compile(r"Your code: (\d{8})")


def confirmed_client(person: Person) -> Client:
    """Signed in as the person, the password typed a moment ago."""
    client = personas.sign_in(Client(), person.user)  # type: ignore[arg-type]
    session = client.session
    session[REAUTH_AT] = time.time()
    session.save()
    return client


def run_rights_jobs() -> int:
    """Run the queued request work now, then deliver the mail it queued."""
    ran = run_queued(fulfil_request)
    deliver_mail()
    return ran


def code_in(message: EmailMessage) -> str:
    found = CODE.search(body(message))
    assert found, "the message holds no code"
    return found.group(1)


def a_rights_request(person: Person, kind: str = "access") -> RightsRequest:
    """A request the person made in the customer area (received, not verified)."""
    identity = directory().identify(person.user)
    assert identity is not None
    return ask_as_customer(identity=identity, ask=Ask(kind=kind), actor=person.user)  # type: ignore[arg-type]


def an_export_link(person: Person) -> dict[str, str]:
    """The pk and secret of a download link for the person's data, as the e-mail gives them."""
    made = a_rights_request(person)
    export, secret = make_export(request=made, actor=None)
    return {"pk": str(export.pk), "secret": secret}
