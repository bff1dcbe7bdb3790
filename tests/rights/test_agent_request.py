"""An authorised agent's request through the public form (RGT-3): the permission is kept, the
person's code comes with the page to type it on, and the agent's copy is recorded in the
register, communications included, before the agent is sent the link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientvault.privacy.directory import Contact
from clientvault.privacy.models import Disclosure
from clientvault.rights.models import AgentPermission, Status
from clientvault.rights.services.intake import Upload, ask_publicly
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.verification import verify_code
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body, deliver_mail
from tests.rights.helpers import code_in, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, smtp_server = personas.customer, mailutil.smtp_server
AGENT = Contact(name="Agnes Agent", email="agnes@agents.example")
PDF = Upload(name="permission.pdf", content=b"%PDF-1.4\n%%EOF\n")


def agent_asks():
    return ask_publicly(
        ask=Ask(kind="access"),
        person=Contact(name="Ada Lovelace", email="ada@example.com"),
        actor=None,
        agent=AGENT,
        permission=PDF,
    )


def test_it_keeps_the_signed_permission_sealed_for_the_person(customer):
    made = agent_asks()
    kept = AgentPermission.objects.get(request=made)
    assert (kept.holder_id, kept.content_type, kept.size) == (
        customer.subject_id,
        "application/pdf",
        len(PDF.content),
    )
    assert str(kept.content) == "JVBERi0xLjQKJSVFT0YK"


def test_the_persons_code_comes_with_the_page_to_type_it_on(customer, smtp_server):
    made = agent_asks()
    deliver_mail()
    text = body(smtp_server.wait_for("ada@example.com"))
    assert reverse("rights:public_verify", args=[made.pk]) + "\r\n" in text
    assert smtp_server.to(AGENT.email) == []


def test_the_agent_gets_the_link_once_the_person_confirmed_and_the_register_says_so(
    customer, smtp_server
):
    made = agent_asks()
    deliver_mail()
    verify_code(request=made, code=code_in(smtp_server.wait_for("ada@example.com")), actor=None)
    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    receipt = Disclosure.objects.get(subject=customer.subject, recipient_kind="agent")
    assert "user.contact.email" in receipt.categories
    # The content of the person's messages stays out of an agent's copy (SHR-6).
    assert "user.content.communications" not in receipt.categories
    assert any("/privacy/exports/" in body(m) for m in smtp_server.to(AGENT.email))
