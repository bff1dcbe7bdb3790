"""A person without a login asks through the public form and verifies with a code (RGT-2)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.privacy.models import Subject
from clientvault.rights.models import RightsRequest, Status, VerificationCode
from clientvault.rights.services.verification import MAX_TRIES, send_code
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body, deliver_mail, link_in
from tests.rights.helpers import CODE, code_in, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
smtp_server = mailutil.smtp_server
FORM = reverse("rights:public_request")
ADA = {"name": "Ada Lovelace", "email": "ada@example.com", "kind": "access"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFERENCE = re.compile(r"R-[A-Z2-9]{6}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def ask(client: Client | None = None, **data: str):
    return (client or Client()).post(FORM, {**ADA, **data})


def verify_page(made: RightsRequest) -> str:
    return reverse("rights:public_verify", args=[made.pk])


def type_code(made: RightsRequest, code: str):
    return Client().post(verify_page(made), {"code": code})


def codes_sent(smtp_server) -> list:
    return [m for m in smtp_server.messages if CODE.search(body(m))]


def the_code(smtp_server) -> str:
    deliver_mail()
    smtp_server.wait_for("ada@example.com")
    (message,) = codes_sent(smtp_server)
    return code_in(message)


def test_a_matching_name_and_address_get_a_code_at_the_address_on_record(customer, smtp_server):
    response = ask()
    made = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response.url == verify_page(made)
    assert made.subject_id == customer.subject_id
    assert made.status == Status.AWAITING_VERIFICATION
    assert the_code(smtp_server)
    (message,) = codes_sent(smtp_server)
    assert str(message["To"]) == "ada@example.com"
    assert made.reference in body(message)


def test_an_address_typed_in_another_case_still_mails_only_the_address_on_record(
    customer, smtp_server
):
    ask(email="ADA@Example.COM")
    made = RightsRequest.objects.get()
    assert made.subject_id == customer.subject_id
    code = the_code(smtp_server)
    type_code(made, code)
    run_rights_jobs()
    assert {str(m["To"]) for m in smtp_server.messages} == {"ada@example.com"}


@pytest.mark.parametrize(
    "typed",
    [
        {"email": "ada.lovelace@example.org"},  # the right name, another address
        {"name": "Ada Byron"},  # the address on record, another name
    ],
)
def test_no_code_goes_anywhere_unless_name_and_address_both_match(customer, smtp_server, typed):
    ask(**typed)
    made = RightsRequest.objects.get()
    assert made.subject_id is None
    assert deliver_mail() == 0
    assert smtp_server.messages == []
    assert not VerificationCode.objects.exists()
    response = type_code(made, "12345678")
    assert "code" in response.context["form"].errors
    made.refresh_from_db()
    assert made.status == Status.AWAITING_VERIFICATION


def _shape(client: Client, response) -> str:
    page = client.get(response.url).content.decode()
    for pattern, stand_in in ((UUID, "<uuid>"), (REFERENCE, "<reference>"), (CSRF, "<csrf>")):
        page = pattern.sub(stand_in, page)
    return page


def test_the_answer_is_the_same_whether_anyone_matched(customer):
    matched_client, unknown_client = Client(), Client()
    matched = ask(matched_client)
    unknown = ask(unknown_client, name="Nobody Known", email="nobody@example.org")
    assert (matched.status_code, unknown.status_code) == (302, 302)
    assert UUID.sub("", matched.url) == UUID.sub("", unknown.url)
    assert _shape(matched_client, matched) == _shape(unknown_client, unknown)
    statuses = set(RightsRequest.objects.values_list("status", flat=True))
    assert statuses == {Status.AWAITING_VERIFICATION}


def test_the_code_verifies_and_the_export_link_serves_three_formats(customer, smtp_server):
    ask()
    made = RightsRequest.objects.get()
    response = type_code(made, the_code(smtp_server))
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.verification) == (Status.IN_PROGRESS, "code")
    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    links = [m for m in smtp_server.to("ada@example.com") if "/privacy/exports/" in body(m)]
    assert len(links) == 1
    page = urlsplit(link_in(links[0])).path
    assert Client().get(page).status_code == 200
    pdf = Client().get(page, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    zipped = zipfile.ZipFile(io.BytesIO(Client().get(page, {"format": "zip"}).content))
    assert "export.json" in zipped.namelist()
    document = json.loads(Client().get(page, {"format": "json"}).content)
    assert document["subject"]["reference"] == customer.subject.reference


def test_a_wrong_code_is_refused_clearly_and_five_end_the_code(customer, smtp_server):
    ask()
    made = RightsRequest.objects.get()
    code = the_code(smtp_server)
    wrong = "00000000" if code != "00000000" else "11111111"
    response = type_code(made, wrong)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Code: this code is not right, or has expired. Ask for a new code if need be."
    ]
    assert "this code is not right" in response.content.decode()
    for _ in range(MAX_TRIES - 1):
        type_code(made, wrong)
    assert VerificationCode.objects.get().tries == MAX_TRIES
    assert "code" in type_code(made, code).context["form"].errors
    made.refresh_from_db()
    assert made.status == Status.AWAITING_VERIFICATION


def test_an_expired_code_is_refused(customer, smtp_server):
    ask()
    made = RightsRequest.objects.get()
    code = the_code(smtp_server)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "code" in type_code(made, code).context["form"].errors
    made.refresh_from_db()
    assert made.status == Status.AWAITING_VERIFICATION
    assert made.verified_at is None


def test_a_fourth_code_within_the_hour_is_refused(customer, smtp_server):
    ask()
    made = RightsRequest.objects.get()
    assert send_code(request=made)
    assert send_code(request=made)
    with pytest.raises(ValidationError) as refused:
        send_code(request=made)
    assert refused.value.message_dict == {
        "code": ["Too many codes were sent for this request; try again in an hour."]
    }
    assert VerificationCode.objects.filter(request=made).count() == 3
    assert deliver_mail() >= 3
    assert len(codes_sent(smtp_server)) == 3


def test_only_the_newest_code_works(customer, smtp_server):
    ask()
    made = RightsRequest.objects.get()
    first = the_code(smtp_server)
    send_code(request=made)
    deliver_mail()
    newest = code_in(codes_sent(smtp_server)[-1])
    if newest != first:
        assert "code" in type_code(made, first).context["form"].errors
    assert type_code(made, newest).status_code == 302
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"kind": "everything"}, "kind", "Select a valid choice."),
        ({"kind": "correction", "new_value": "Ada King"}, "field", "Choose a field we hold"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(customer, typed, field, message):
    subjects = Subject.objects.count()
    response = ask(**typed)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert message in response.content.decode()
    assert not RightsRequest.objects.exists()
    assert Subject.objects.count() == subjects
