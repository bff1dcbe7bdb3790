"""An authorised agent asks for a person with a signed permission; the person verifies (RGT-3)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.privacy.models import RecipientKind, Subject
from clientvault.privacy.services.disclosures import DisclosureRefused, disclosures_visible_to
from clientvault.privacy.services.erasure import erase_subject
from clientvault.privacy.vault import ERASED
from clientvault.rights.models import AgentPermission, Export, RightsRequest, Status
from clientvault.rights.services.intake import MAX_PERMISSION_BYTES
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body, deliver_mail
from tests.rights.helpers import CODE, code_in, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
smtp_server = mailutil.smtp_server
FORM = reverse("rights:public_request")
AGENT = "agent@rights-helpers.example"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFERENCE = re.compile(r"R-[A-Z2-9]{6}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def as_agent(client: Client | None = None, *, permission=None, **typed):
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "kind": "access",
        "is_agent": "on",
        "agent_name": "Pat Agent",
        "agent_email": AGENT,
        **typed,
    }
    if permission is not None:
        data["permission"] = permission
    return (client or Client()).post(FORM, data)


def signed(content: bytes = PDF, name: str = "permission.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def verify_with_the_persons_code(smtp_server) -> RightsRequest:
    made = RightsRequest.objects.get()
    deliver_mail()
    code = code_in(smtp_server.wait_for("ada@example.com"))
    response = Client().post(reverse("rights:public_verify", args=[made.pk]), {"code": code})
    assert response.status_code == 302
    made.refresh_from_db()
    return made


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            signed(b"%PDF-" + b"0" * MAX_PERMISSION_BYTES),
            "Permission: the file is larger than 5 MB.",
        ),
        (signed(b"I, Ada, allow Pat.\n"), "Permission: attach a PDF, PNG or JPEG file."),
        (None, "Needed when an agent asks."),
    ],
    ids=["too-large", "text-named-pdf", "missing"],
)
def test_a_bad_permission_is_refused_naming_the_field(customer, upload, message):
    subjects = Subject.objects.count()
    response = as_agent(permission=upload)
    assert response.status_code == 200
    assert response.context["form"].errors == {"permission": [message]}
    assert message in response.content.decode()
    assert not RightsRequest.objects.exists()
    assert not AgentPermission.objects.exists()
    assert Subject.objects.count() == subjects


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_the_permission_is_told_by_its_first_bytes(customer, content, content_type):
    as_agent(permission=signed(content, name="scan.bin"))
    permission = AgentPermission.objects.get()
    assert (permission.content_type, permission.size) == (content_type, len(content))
    assert base64.b64decode(str(permission.content)) == content


def test_the_code_goes_to_the_person_and_the_agent_hears_nothing_before(customer, smtp_server):
    response = as_agent(permission=signed())
    made = RightsRequest.objects.get()
    assert response.url == reverse("rights:public_verify", args=[made.pk])
    assert made.is_agent
    assert made.subject_id == customer.subject_id
    assert made.requester_id != customer.subject_id
    deliver_mail()
    assert CODE.search(body(smtp_server.wait_for("ada@example.com")))
    assert smtp_server.to(AGENT) == []
    assert {str(m["To"]) for m in smtp_server.messages} == {"ada@example.com"}


def _shape(client: Client, response) -> str:
    page = client.get(response.url).content.decode()
    for pattern, stand_in in ((UUID, "<uuid>"), (REFERENCE, "<reference>"), (CSRF, "<csrf>")):
        page = pattern.sub(stand_in, page)
    return page


def test_the_agent_sees_the_same_page_whether_the_person_exists(customer, smtp_server):
    known_client, unknown_client = Client(), Client()
    known = as_agent(known_client, permission=signed())
    unknown = as_agent(
        unknown_client, permission=signed(), name="Nobody Known", email="nobody@example.org"
    )
    assert (known.status_code, unknown.status_code) == (302, 302)
    assert _shape(known_client, known) == _shape(unknown_client, unknown)
    deliver_mail()
    assert smtp_server.to(AGENT) == []


def test_after_the_person_verifies_the_agent_gets_the_copy_and_it_is_registered(
    customer, smtp_server
):
    as_agent(permission=signed())
    made = verify_with_the_persons_code(smtp_server)
    assert made.status == Status.IN_PROGRESS
    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    to_agent = [body(m) for m in smtp_server.to(AGENT)]
    assert sum("/privacy/exports/" in text for text in to_agent) == 1
    assert not any("/privacy/exports/" in body(m) for m in smtp_server.to("ada@example.com"))
    seen = disclosures_visible_to(subject=customer.subject, today=timezone.localdate())
    assert [d.recipient_kind for d in seen] == [RecipientKind.AGENT]
    assert seen[0].reference == f"permission:{made.reference}"
    assert "user.contact.email" in seen[0].categories


def test_a_refused_receipt_sends_the_agent_no_link_keeps_no_copy_and_refuses(
    customer, smtp_server, monkeypatch
):
    as_agent(permission=signed())
    made = verify_with_the_persons_code(smtp_server)

    def refused(**_: object) -> None:
        raise DisclosureRefused("the profile does not allow it")

    monkeypatch.setattr("clientvault.rights.services.work.disclose", refused)
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.REFUSED
    assert not Export.objects.exists()
    assert not any("/privacy/exports/" in body(m) for m in smtp_server.to(AGENT))
    assert any("We may not release" in body(m) for m in smtp_server.to(AGENT))
    assert disclosures_visible_to(subject=customer.subject, today=timezone.localdate()) == []


def test_the_agents_copy_leaves_out_the_content_of_messages(customer, smtp_server):
    as_agent(permission=signed())
    made = verify_with_the_persons_code(smtp_server)
    run_rights_jobs()
    document = json.loads(str(Export.objects.get(request=made).document))
    messages = next(r for r in document["records"] if r["model"] == "messaging.Message")
    assert messages["rows"], "the person was sent e-mails (the code at least)"
    states = {row["cells"]["body"]["state"] for row in messages["rows"]}
    assert states == {"withheld"}
    assert "user.content.communications" not in {c["key"] for c in document["categories"]}


def test_the_page_the_person_sees_lists_the_agent_as_a_recipient(customer, smtp_server):
    as_agent(permission=signed())
    verify_with_the_persons_code(smtp_server)
    run_rights_jobs()
    client = personas.sign_in(Client(), customer.user)
    page = client.get(reverse("rights:privacy")).content.decode()
    assert "Authorised agent (signed permission on file)" in page


def _raw_permission() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT content FROM {AgentPermission._meta.db_table}")
        (raw,) = cursor.fetchone()
    return str(raw)


def test_the_permission_is_sealed_for_the_person_and_erased_with_them(customer):
    as_agent(permission=signed())
    permission = AgentPermission.objects.get()
    assert permission.holder_id == customer.subject_id
    raw = _raw_permission()
    assert base64.b64encode(PDF).decode() not in raw
    assert "%PDF" not in raw
    erase_subject(subject_id=customer.subject_id, actor=None, reason="rights-test")
    permission = AgentPermission.objects.get()
    assert permission.content == ERASED
