# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The identity check page: send a code, read it back, or ask a security question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import CheckStatus, IdentityCheck, StaffRole
from clientvault.accounts.services.answers import set_security_answers
from tests.accounts.personas import customer, staff, staff_client  # noqa: F401
from tests.accounts.smsutil import run_jobs, sms_gateway  # noqa: F401
from tests.accounts.test_identity_check import queued_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def url(person):
    return reverse("accounts:staff_identity_check", args=[person.pk])


def test_a_code_sent_and_read_back_reveals_the_record(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    page = client.get(url(customer)).content.decode()
    assert "Send a code to the e-mail address on record" in page
    response = client.post(url(customer), {"action": "send", "method": "email_code"}, follow=True)
    page = response.content.decode()
    assert "A six-digit code was sent to the e-mail address on record" in page
    assert "0 of 5 tries used" in page
    code = queued_mail()[-1]["context"]["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page = client.post(url(customer), {"action": "code", "code": wrong}).content.decode()
    assert "That code is not right. 4 attempt(s) left." in page
    response = client.post(url(customer), {"action": "code", "code": code}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/staff/customers/{customer.customer.number}/")
    assert "Identity check passed" in page
    assert "Lovelace" in page


def test_a_malformed_code_costs_no_attempt(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    client.post(url(customer), {"action": "send", "method": "email_code"})
    page = client.post(url(customer), {"action": "code", "code": "12ab"}).content.decode()
    assert "six digits" in page
    assert IdentityCheck.objects.get().attempts == 0


def test_a_wrong_security_answer_fails_and_says_so(customer, staff_client):
    set_security_answers(user=customer.user, answers={"birth_town": "Paris"}, actor=None)
    client = staff_client(StaffRole.SUPPORT)
    page = client.get(url(customer)).content.decode()
    assert "In which town were you born?" in page
    assert "first pet" not in page
    data = {"action": "answer", "question": "birth_town", "answer": "Lyon"}
    page = client.post(url(customer), data, follow=True).content.decode()
    assert "Identity check failed" in page
    data["answer"] = " paris "
    page = client.post(url(customer), data, follow=True).content.decode()
    assert "Identity check passed" in page


def test_without_a_caller_there_is_nothing_to_check(customer, staff_client):
    client = staff_client(StaffRole.PRIVACY_OFFICER)
    client.post(
        reverse("accounts:staff_customer", args=[customer.customer.number]),
        {"channel": "staff", "reason": "privacy_request"},
    )
    page = client.get(url(customer)).content.decode()
    assert "there is no caller to check" in page
    client.post(url(customer), {"action": "send", "method": "email_code"})
    assert not IdentityCheck.objects.exists()


def test_a_second_submit_of_the_same_code_shows_a_message_not_an_error(customer, staff_client):
    client = staff_client(StaffRole.SUPPORT)
    client.post(url(customer), {"action": "send", "method": "email_code"})
    check = IdentityCheck.objects.get()
    page = client.get(url(customer)).content.decode()
    assert f'name="check" value="{check.pk}"' in page
    data = {"action": "code", "check": check.pk, "code": queued_mail()[-1]["context"]["code"]}
    assert client.post(url(customer), data).status_code == 302
    response = client.post(url(customer), data, follow=True)
    assert response.status_code == 200
    assert "This check is already decided. Start a new check." in response.content.decode()
    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.PASSED, 1)


def test_a_code_by_text_message_is_queued_and_a_gateway_error_never_fails_the_page(
    customer, staff_client, sms_gateway
):
    sms_gateway.answer = 503
    client = staff_client(StaffRole.SUPPORT)
    page = client.get(url(customer)).content.decode()
    assert "Send a code by text message to the telephone on record" in page
    response = client.post(url(customer), {"action": "send", "method": "phone_code"})
    assert response.status_code == 302
    assert sms_gateway.received == []  # sent by the worker, not the request
    assert run_jobs() == 1
    assert [m["json"]["to"] for m in sms_gateway.received] == ["+442079460018"]
    assert IdentityCheck.objects.get().status == CheckStatus.PENDING


def test_a_code_read_back_too_late_says_it_expired_not_that_the_caller_failed(
    customer, staff_client
):
    client = staff_client(StaffRole.SUPPORT)
    client.post(url(customer), {"action": "send", "method": "email_code"})
    check = IdentityCheck.objects.get()
    IdentityCheck.objects.filter(pk=check.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    data = {"action": "code", "check": check.pk, "code": queued_mail()[-1]["context"]["code"]}
    page = client.post(url(customer), data, follow=True).content.decode()
    assert "That code expired (codes are valid 10 minutes): send a new code." in page
    assert "Identity check failed" not in page
    check.refresh_from_db()
    assert check.status == CheckStatus.EXPIRED
