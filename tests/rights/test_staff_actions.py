# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""What the privacy officer does with a request: enter one made by telephone, letter or e-mail,
send a code, vouch for the identity, refuse, extend the deadline, run the work again."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.models import StaffRole
from clientvault.messaging.models import Message
from clientvault.rights.deadlines import add_months
from clientvault.rights.models import Channel, RightsRequest, Status
from clientvault.rights.services.work import fulfil_request
from tests.accounts.personas import customer, staff, staff_client, teammate  # noqa: F401
from tests.rights.helpers import run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NEW = reverse("rights:privacy_new")


@pytest.fixture
def officer(staff_client) -> Client:
    return staff_client(StaffRole.PRIVACY_OFFICER)


def enter(client: Client, who: str, *, channel: str = "telephone", kind: str = "access"):
    return client.post(NEW, {"who": who, "channel": channel, "kind": kind})


def act(client: Client, name: str, made: RightsRequest, reason: str | None = None):
    prefix = name.removeprefix("privacy_")
    data = {} if reason is None else {f"{prefix}-reason": reason}
    response = client.post(reverse(f"rights:{name}", args=[made.pk]), data, follow=True)
    made.refresh_from_db()
    return response.content.decode()


def sent(kind: str) -> list[Message]:
    return list(Message.objects.filter(kind=kind))


def context_of(message: Message) -> dict[str, str]:
    values: dict[str, str] = json.loads(str(message.context))
    return values


@pytest.fixture
def entered(officer, customer) -> RightsRequest:
    enter(officer, customer.subject.reference, channel="letter")
    return RightsRequest.objects.get()


@pytest.mark.parametrize("channel", ["telephone", "letter", "email"])
def test_staff_enter_a_request_by_subject_reference_with_its_channel(officer, customer, channel):
    response = enter(officer, customer.subject.reference.lower(), channel=channel)

    made = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rights:privacy_request", args=[made.pk])
    assert made.channel == channel
    assert made.subject_id == customer.subject_id
    assert made.status == Status.RECEIVED
    assert made.actor_id.startswith("user:")
    assert str(made.email_given) == "ada@example.com"


def test_staff_enter_a_request_by_account_number_for_its_owner(officer, customer, teammate):
    enter(officer, customer.customer.number, kind="erasure")
    made = RightsRequest.objects.get()
    assert made.subject_id == customer.subject_id
    assert made.account == ""  # a person's erasure, not the whole account
    assert made.get_channel_display() == Channel.TELEPHONE.label


def test_an_unknown_reference_is_an_error_on_that_field(officer, customer):
    response = enter(officer, "S-NOBODY")
    assert response.status_code == 200
    form = response.context["form"]
    assert "who" in form.errors
    assert "S-NOBODY" in form.errors["who"][0]
    assert RightsRequest.objects.count() == 0


def test_a_channel_staff_do_not_take_is_refused(officer, customer):
    response = enter(officer, customer.subject.reference, channel="api")
    assert "channel" in response.context["form"].errors
    assert RightsRequest.objects.count() == 0


def test_the_code_goes_to_the_address_on_record(officer, entered):
    page = act(officer, "privacy_send_code", entered)
    assert "A code went to the address on record." in page
    assert entered.status == Status.AWAITING_VERIFICATION
    (code,) = sent("rights.code")
    assert str(code.to) == "ada@example.com"


def test_vouching_for_the_identity_needs_a_reason(officer, entered):
    page = act(officer, "privacy_checked", entered, reason="")
    assert "Reason: say why" in page
    assert entered.status == Status.RECEIVED
    assert entered.verification == ""


def test_vouching_verifies_by_staff_and_starts_the_work(officer, entered):
    act(officer, "privacy_checked", entered, reason="Letter with a copy of the passport")

    assert entered.verification == "staff"
    assert entered.status == Status.IN_PROGRESS
    step = entered.events.get(step=Status.VERIFIED)
    assert str(step.reason) == "Letter with a copy of the passport"
    assert step.actor_label == "privacy officer"
    run_rights_jobs()
    entered.refresh_from_db()
    assert entered.status == Status.COMPLETED
    assert entered.exports.count() == 1


def test_refusing_needs_a_reason(officer, entered):
    page = act(officer, "privacy_refuse", entered, reason="  ")
    assert "Reason: say why" in page
    assert entered.status == Status.RECEIVED
    assert sent("rights.refused") == []


def test_refusing_tells_the_requester_why(officer, entered):
    page = act(
        officer, "privacy_refuse", entered, reason="Manifestly unfounded: third copy this week"
    )

    assert "The request is refused" in page
    assert entered.status == Status.REFUSED
    assert entered.closed_at is not None
    (notice,) = sent("rights.refused")
    assert str(notice.to) == "ada@example.com"
    assert context_of(notice)["reason"] == "Manifestly unfounded: third copy this week"


def test_extending_needs_a_reason(officer, entered):
    page = act(officer, "privacy_extend", entered, reason="")
    assert "Reason: say why" in page
    assert entered.extended_to is None
    assert sent("rights.extended") == []


def test_extending_adds_two_months_tells_the_requester_and_happens_once(officer, entered):
    due = entered.due_on
    page = act(officer, "privacy_extend", entered, reason="Twelve years of records to gather")

    assert "The deadline is extended" in page
    assert entered.extended_to == add_months(due, 2)
    assert entered.deadline == entered.extended_to
    assert str(entered.extension_reason) == "Twelve years of records to gather"
    (notice,) = sent("rights.extended")
    assert context_of(notice)["reason"] == "Twelve years of records to gather"
    assert context_of(notice)["extension"] == "two more months"
    extended_to = entered.extended_to

    again = act(officer, "privacy_extend", entered, reason="And more")

    assert "extended already" in again
    assert entered.extended_to == extended_to
    assert len(sent("rights.extended")) == 1
    assert entered.events.filter(step="extended").count() == 1


def test_a_closed_request_cannot_be_extended(officer, entered):
    act(officer, "privacy_refuse", entered, reason="Not the person")
    page = act(officer, "privacy_extend", entered, reason="Too late")
    assert "Only an open request" in page
    assert entered.extended_to is None


def queued_work() -> int:
    return DBTaskResult.objects.ready().filter(task_path=fulfil_request.module_path).count()


def test_retry_queues_the_work_of_a_request_in_progress_again(officer, entered):
    act(officer, "privacy_checked", entered, reason="Called back on the number on record")
    assert queued_work() == 1
    # The job is lost (its worker died with it); the request stays in progress.
    DBTaskResult.objects.filter(task_path=fulfil_request.module_path).delete()
    assert entered.status == Status.IN_PROGRESS

    page = act(officer, "privacy_retry", entered)

    assert "The work is queued." in page
    assert queued_work() == 1
    run_rights_jobs()
    entered.refresh_from_db()
    assert entered.status == Status.COMPLETED
    assert entered.exports.count() == 1


def test_retry_before_verification_is_refused_with_a_clear_message(officer, entered):
    page = act(officer, "privacy_retry", entered)
    assert "A request that is received cannot become in progress." in page
    assert entered.status == Status.RECEIVED
    assert queued_work() == 0
