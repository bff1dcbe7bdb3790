"""The public form and its code page are throttled by address, like sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.rights.models import RightsRequest
from clientvault.rights.services.verification import PERSON_CODES_PER_HOUR
from tests.accounts import mailutil, personas
from tests.accounts.mailutil import deliver_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
smtp_server = mailutil.smtp_server
FORM = {"name": "Ada Lovelace", "email": "ada@example.com", "kind": "access"}


def test_the_eleventh_request_from_one_address_within_15_minutes_is_refused(customer):
    client = Client()
    for _ in range(10):
        assert client.post(reverse("rights:public_request"), FORM).status_code == 302
    page = client.post(reverse("rights:public_request"), FORM).content.decode()
    assert "Too many attempts" in page
    assert RightsRequest.objects.count() == 10


def test_codes_typed_from_one_address_are_throttled(customer):
    client = Client()
    client.post(reverse("rights:public_request"), FORM)
    made = RightsRequest.objects.get()
    verify = reverse("rights:public_verify", args=[made.pk])
    for _ in range(20):
        client.post(verify, {"code": "12345678"})
    page = client.post(verify, {"code": "12345678"}).content.decode()
    assert "Too many attempts" in page


def test_new_requests_cannot_flood_a_person_with_codes(customer, smtp_server):
    for n in range(7):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(reverse("rights:public_request"), FORM)
    deliver_mail()
    assert RightsRequest.objects.count() == 7
    assert len(smtp_server.to("ada@example.com")) == PERSON_CODES_PER_HOUR
