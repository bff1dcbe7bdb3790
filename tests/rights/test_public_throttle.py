"""The public form and its code page are throttled by address, like sign-in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.rights.models import RightsRequest
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer
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
