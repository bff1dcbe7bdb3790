# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""The daily job (``rights_daily``): unverified requests expire, old exports go, closed accounts
are erased after the grace period (RET-1), and privacy officers hear of deadlines."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Customer, CustomerStatus, CustomerStatusChange, StaffRole
from clientvault.accounts.services.customers import change_status
from clientvault.messaging.models import Message
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.directory import Contact
from clientvault.privacy.models import HoldReason, Subject
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.holds import place_hold
from clientvault.rights.models import Channel, Export, RightsRequest, Scope, Status, Verification
from clientvault.rights.services.daily import rights_daily, start_due_closures
from clientvault.rights.services.intake import Upload, ask_publicly
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.verification import mark_verified
from tests.accounts.personas import customer, make_staff, outsider, teammate  # noqa: F401
from tests.rights.helpers import a_rights_request, an_export_link, run_rights_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

STAFF = SystemActor("tests")


def daily() -> dict[str, int]:
    result: dict[str, int] = rights_daily.call()
    return result


def sent(kind: str) -> list[Message]:
    return list(Message.objects.filter(kind=kind))


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_unverified_requests_expire_after_the_set_days_with_a_notice(customer):
    old = a_rights_request(customer)
    fresh = a_rights_request(customer)
    days = current_profile().rights.verification_days
    assert old.expires_at > ago(-days + 1)
    RightsRequest.objects.filter(pk=old.pk).update(expires_at=ago(1))

    assert daily()["expired"] == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Status.EXPIRED
    assert old.closed_at is not None
    assert fresh.status == Status.RECEIVED
    (notice,) = sent("rights.expired")
    assert str(notice.to) == "ada@example.com"
    assert json.loads(str(notice.context))["reference"] == old.reference
    assert daily()["expired"] == 0
    assert len(sent("rights.expired")) == 1


def test_no_notice_goes_to_a_requester_not_known_to_be_the_person(customer):
    unknown = ask_publicly(
        ask=Ask(kind="access"),
        person=Contact(name="No One", email="no.one@example.org"),
        actor=None,
    )
    agent = ask_publicly(
        ask=Ask(kind="access"),
        person=Contact(name="Ada Lovelace", email="ada@example.com"),
        agent=Contact(name="Agent Smith", email="agent@example.org"),
        permission=Upload(name="permission.pdf", content=b"%PDF-1.4 signed"),
        actor=None,
    )
    RightsRequest.objects.update(expires_at=ago(1))

    assert daily()["expired"] == 2

    for made in (unknown, agent):
        made.refresh_from_db()
        assert made.status == Status.EXPIRED
    assert sent("rights.expired") == []


def test_expired_exports_are_deleted_and_their_link_says_so(customer):
    link = an_export_link(customer)
    url = reverse("rights:export_link", args=[link["pk"], link["secret"]])
    assert Client().get(url).status_code == 200
    kept = an_export_link(customer)
    Export.objects.filter(pk=link["pk"]).update(expires_at=ago(1))

    assert daily()["exports_deleted"] == 1

    gone = Export.objects.get(pk=link["pk"])
    assert gone.deleted_at is not None
    assert str(gone.document) == ""
    page = Client().get(url)
    assert page.status_code == 404
    assert "This link is no longer valid" in page.content.decode()
    live = Export.objects.get(pk=kept["pk"])
    assert live.deleted_at is None
    assert json.loads(str(live.document))["subject"]["reference"] == customer.subject.reference
    assert daily()["exports_deleted"] == 0


def close(account: Customer) -> None:
    change_status(customer=account, to=CustomerStatus.CLOSED, actor=STAFF, reason="left")


def test_a_closed_account_gets_one_erasure_scheduled_and_one_notice(customer, teammate):
    close(customer.customer)
    closed_on = timezone.localdate(CustomerStatusChange.objects.get(to_status="closed").at)
    grace = current_profile().rights.closure_grace_days

    first = daily()
    second = daily()

    assert first["closures_scheduled"] == 1
    assert first["closures_started"] == 0
    assert second["closures_scheduled"] == 0
    made = RightsRequest.objects.get()
    assert made.channel == Channel.CLOSURE
    assert (made.kind, made.scope, made.account) == (
        "erasure",
        Scope.ACCOUNT,
        customer.customer.number,
    )
    assert made.subject_id == customer.subject_id
    assert made.status == Status.VERIFIED
    assert made.verification == "closure"
    assert made.due_on == closed_on + datetime.timedelta(days=grace)
    (notice,) = sent("rights.closure")
    assert str(notice.to) == "ada@example.com"
    assert json.loads(str(notice.context))["account"] == customer.customer.number
    assert not Subject.objects.get(pk=customer.subject_id).is_erased


def test_after_the_grace_period_everyone_on_the_closed_account_is_erased(
    customer, teammate, outsider
):
    close(customer.customer)
    daily()
    made = RightsRequest.objects.get()

    assert start_due_closures(today=made.due_on - datetime.timedelta(days=1)) == 0
    assert start_due_closures(today=made.due_on) == 1
    assert run_rights_jobs() == 1

    made.refresh_from_db()
    assert made.status == Status.COMPLETED
    assert made.events.filter(step="completed").count() == 1
    for person in (customer, teammate):
        assert Subject.objects.get(pk=person.subject_id).is_erased
    assert not Subject.objects.get(pk=outsider.subject_id).is_erased
    assert daily()["closures_scheduled"] == 0
    assert RightsRequest.objects.count() == 1


def test_an_account_closed_longer_ago_than_the_grace_is_started_by_the_daily_run(customer):
    close(customer.customer)
    grace = current_profile().rights.closure_grace_days
    CustomerStatusChange.objects.filter(to_status="closed").update(at=ago(grace + 1))

    result = daily()

    assert (result["closures_scheduled"], result["closures_started"]) == (1, 1)
    run_rights_jobs()
    assert Subject.objects.get(pk=customer.subject_id).is_erased


def officer(username: str, email: str):
    user = make_staff(StaffRole.PRIVACY_OFFICER, username=username)
    user.email = email
    user.save()
    return user


def test_privacy_officers_are_reminded_once_a_day_when_something_is_due(customer):
    officer("dpo", "dpo@example.com")
    officer("deputy", "deputy@example.com")
    support = make_staff(StaffRole.SUPPORT)
    support.email = "help@example.com"
    support.save()
    made = a_rights_request(customer)
    RightsRequest.objects.filter(pk=made.pk).update(due_on=timezone.localdate())

    assert daily()["officers_reminded"] == 2
    daily()

    reminders = sent("rights.reminder")
    assert sorted(str(m.to) for m in reminders) == ["deputy@example.com", "dpo@example.com"]
    context = json.loads(str(reminders[0].context))
    assert (context["overdue"], context["soon"]) == ("0", "1")
    assert context["link"].endswith(reverse("rights:privacy_queue"))


def test_no_reminder_when_nothing_is_overdue_or_due_this_week(customer):
    officer("dpo", "dpo@example.com")
    a_rights_request(customer)  # due in a month

    assert daily()["officers_reminded"] == 0
    assert sent("rights.reminder") == []


def erase_through_a_request(person) -> RightsRequest:
    made = a_rights_request(person, kind="erasure")
    mark_verified(request=made, how=Verification.STAFF, actor=STAFF, reason="Letter with proof")
    run_rights_jobs()
    made.refresh_from_db()
    return made


def test_an_account_its_owner_had_erased_is_not_scheduled_again(customer, teammate):
    made = erase_through_a_request(customer)
    assert made.status == Status.COMPLETED
    assert Customer.objects.get(pk=customer.customer_id).status == CustomerStatus.CLOSED

    assert daily()["closures_scheduled"] == 0
    assert sent("rights.closure") == []
    assert RightsRequest.objects.count() == 1


def test_an_owner_whose_erasure_is_held_gets_no_closure_notice(customer):
    place_hold(
        subject=customer.subject,
        reason=HoldReason.DISPUTE,
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        actor=None,
        placed_by="legal",
    )
    made = erase_through_a_request(customer)
    assert made.status == Status.IN_PROGRESS  # paused by the hold, the account closed

    assert daily()["closures_scheduled"] == 0
    assert sent("rights.closure") == []


def test_an_account_erased_by_the_operator_is_not_scheduled_again(customer):
    call_command("rights", "erase", "--account", customer.customer.number, "--reason", "t-1")

    assert daily()["closures_scheduled"] == 0
    assert RightsRequest.objects.count() == 1
