"""A customer asks, verifies and gets what they asked for, in the customer area (RGT-1, RGT-2)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clientvault.privacy.models import Subject
from clientvault.rights.models import Export, RequestEvent, RightsRequest, Status
from clientvault.rights.services.verification import verify_code
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import body, deliver_mail
from tests.rights.helpers import code_in, confirmed_client, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
smtp_server = mailutil.smtp_server
NEW = reverse("rights:new_request")


def ask(client, **data):
    return client.post(NEW, {"kind": "access", **data})


def test_access_goes_ahead_without_staff_and_the_copy_downloads(customer, smtp_server):
    client = confirmed_client(customer)
    response = ask(client)
    made = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rights:request", args=[made.pk])
    assert made.status == Status.IN_PROGRESS
    assert made.verification == "password"
    assert run_rights_jobs() == 1
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    smtp_server.wait_for("ada@example.com")
    texts = [body(m) for m in smtp_server.to("ada@example.com")]
    assert any("/privacy/exports/" in text for text in texts)
    document = json.loads(client.get(reverse("rights:download", args=[made.pk, "json"])).content)
    assert document["subject"]["reference"] == customer.subject.reference
    zipped = client.get(reverse("rights:download", args=[made.pk, "zip"]))
    assert zipped["Content-Type"] == "application/zip"
    assert zipped.content[:2] == b"PK"


def test_an_outsider_gets_404_for_someone_elses_request(customer, outsider):
    ask(confirmed_client(customer))
    made = RightsRequest.objects.get()
    other = confirmed_client(outsider)
    assert other.get(reverse("rights:request", args=[made.pk])).status_code == 404
    assert other.get(reverse("rights:download", args=[made.pk, "json"])).status_code == 404


def test_it_asks_for_the_password_before_the_form(customer):
    client = personas.sign_in(personas.Client(), customer.user)
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:reauth"))


def test_erasure_needs_the_code_sent_to_the_address_on_record(customer, smtp_server):
    client = confirmed_client(customer)
    ask(client, kind="erasure")
    made = RightsRequest.objects.get()
    assert made.status == Status.RECEIVED
    client.post(reverse("rights:send_code", args=[made.pk]))
    deliver_mail()
    code = code_in(smtp_server.wait_for("ada@example.com"))
    client.post(reverse("rights:enter_code", args=[made.pk]), {"code": "00000000"})
    made.refresh_from_db()
    assert made.status == Status.AWAITING_VERIFICATION
    client.post(reverse("rights:enter_code", args=[made.pk]), {"code": code})
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    run_rights_jobs()
    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert Subject.objects.get(pk=customer.subject_id).is_erased
    assert RequestEvent.objects.filter(request=made, step="completed").count() == 1
    smtp_server.wait_for("ada@example.com")
    assert any("Erased:" in body(m) for m in smtp_server.to("ada@example.com"))


def test_a_code_works_once(customer, smtp_server):
    client = confirmed_client(customer)
    ask(client, kind="erasure")
    made = RightsRequest.objects.get()
    client.post(reverse("rights:send_code", args=[made.pk]))
    deliver_mail()
    code = code_in(smtp_server.wait_for("ada@example.com"))
    client.post(reverse("rights:enter_code", args=[made.pk]), {"code": code})

    with pytest.raises(ValidationError):
        verify_code(request=made, code=code, actor=None)


def test_the_teammate_without_privacy_permission_sees_only_their_own(customer, teammate):
    ask(confirmed_client(customer))
    made = RightsRequest.objects.get()
    assert (
        confirmed_client(teammate).get(reverse("rights:request", args=[made.pk])).status_code == 404
    )
    page = confirmed_client(teammate).get(reverse("rights:privacy")).content.decode()
    assert made.reference not in page


def test_the_privacy_page_lists_what_is_held_and_the_request(customer):
    client = confirmed_client(customer)
    ask(client)
    page = client.get(reverse("rights:privacy")).content.decode()
    assert "E-mail address" in page
    assert RightsRequest.objects.get().reference in page
    assert Export.objects.count() == 0
