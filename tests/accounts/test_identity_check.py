# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Identity checks before staff reveal details (CTL-6): answers, one-time codes, limits, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.mail import open_message
from clientvault.accounts.models import (
    Channel,
    CheckMethod,
    ClientLogEntry,
    IdentityCheck,
    StaffRole,
)
from clientvault.accounts.services import identity
from clientvault.accounts.services.security import set_security_answers
from clientvault.privacy.models import AuditEvent
from tests.accounts.personas import customer, staff, teammate  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
SENT: list[dict[str, str]] = []


def capture_text(*, to: str, text: str) -> None:
    """A stand-in gateway, configured through CLIENTVAULT_PHONE_SENDER."""
    SENT.append({"to": to, "text": text})


def queued_mail() -> list[dict[str, object]]:
    rows = DBTaskResult.objects.filter(task_path__endswith="send_email").order_by("enqueued_at")
    return [open_message(r.args_kwargs["kwargs"]["sealed"]) for r in rows]


def email_code(customer, staff_user):
    check = identity.start_identity_check(
        staff=staff_user, person=customer, channel=Channel.TELEPHONE, method=CheckMethod.EMAIL_CODE
    )
    message = queued_mail()[-1]
    return check, message["context"]["code"], message


def test_it_sends_a_code_only_to_the_email_on_record_and_passes_on_it(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, message = email_code(customer, support)
    assert message["to"] == "ada@example.com"
    assert re.fullmatch(r"\d{6}", code)
    assert not identity.has_passed_check(staff=support, person=customer)
    decided = identity.decide_identity_check(check=check, staff=support, code=code)
    assert decided.passed is True
    assert identity.has_passed_check(staff=support, person=customer)
    assert ClientLogEntry.objects.filter(event="identity_checked", detail__startswith="passed")
    events = AuditEvent.objects.filter(object_type="accounts.IdentityCheck", object_id=check.pk)
    actions = list(events.order_by("seq").values_list("action", "purpose"))
    assert actions == [
        ("identity_check.code_sent", "security"),
        ("identity_check.passed", "security"),
    ]


def test_it_stores_only_a_digest_bound_to_the_check(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    check.refresh_from_db()
    assert code not in check.code_digest
    assert len(check.code_digest) == 64
    other = IdentityCheck(pk=check.pk + 1)
    assert identity.code_digest(other, code) != check.code_digest


def test_it_counts_wrong_codes_and_fails_on_the_fifth(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for attempt in range(1, 5):
        result = identity.decide_identity_check(check=check, staff=support, code=wrong)
        assert result.passed is None
        assert result.attempts == attempt
    assert identity.decide_identity_check(check=check, staff=support, code=wrong).passed is False
    with pytest.raises(ValidationError, match="already decided"):
        identity.decide_identity_check(check=check, staff=support, code=code)
    assert not identity.has_passed_check(staff=support, person=customer)
    assert AuditEvent.objects.filter(action="identity_check.wrong_code").count() == 4
    assert AuditEvent.objects.filter(action="identity_check.failed").count() == 1
    assert ClientLogEntry.objects.filter(event="identity_checked", detail__startswith="failed")


def test_it_fails_a_code_read_out_after_ten_minutes(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    IdentityCheck.objects.filter(pk=check.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert identity.decide_identity_check(check=check, staff=support, code=code).passed is False


def test_a_new_code_cancels_the_previous_one(customer, staff):
    support = staff(StaffRole.SUPPORT)
    first, first_code, _ = email_code(customer, support)
    email_code(customer, support)
    assert (
        identity.decide_identity_check(check=first, staff=support, code=first_code).passed is False
    )


def test_a_pass_lasts_30_minutes_and_only_for_the_staff_member_who_checked(customer, staff):
    support, billing = staff(StaffRole.SUPPORT), staff(StaffRole.BILLING)
    check, code, _ = email_code(customer, support)
    identity.decide_identity_check(check=check, staff=support, code=code)
    assert not identity.has_passed_check(staff=billing, person=customer)
    with pytest.raises(ValidationError, match="another staff member"):
        identity.decide_identity_check(check=check, staff=billing, code=code)
    IdentityCheck.objects.filter(pk=check.pk).update(valid_until=timezone.now())
    assert not identity.has_passed_check(staff=support, person=customer)


def test_it_checks_a_security_answer_normalised(customer, staff):
    support = staff(StaffRole.SUPPORT)
    set_security_answers(user=customer.user, answers={"first_pet": "Mr. Whiskers"}, actor=None)
    assert identity.answered_questions(customer) == [
        ("first_pet", "What was the name of your first pet?")
    ]
    kwargs = {"staff": support, "person": customer, "channel": Channel.TICKET}
    wrong = identity.verify_security_answer(**kwargs, question="first_pet", answer="Rex")
    right = identity.verify_security_answer(**kwargs, question="first_pet", answer="mr whiskers")
    assert (wrong.passed, right.passed) == (False, True)
    assert right.method == CheckMethod.SECURITY_ANSWER
    assert right.channel == Channel.TICKET
    with pytest.raises(ValidationError) as error:
        identity.verify_security_answer(**kwargs, question="birth_town", answer="Paris")
    assert "question" in error.value.message_dict


def test_it_stops_after_five_unpassed_checks_in_an_hour(customer, staff):
    support = staff(StaffRole.SUPPORT)
    set_security_answers(user=customer.user, answers={"first_pet": "Whiskers"}, actor=None)
    kwargs = {"staff": support, "person": customer, "channel": Channel.TELEPHONE}
    for _ in range(5):
        identity.verify_security_answer(**kwargs, question="first_pet", answer="Rex")
    with pytest.raises(ValidationError, match="did not pass in the last hour"):
        identity.verify_security_answer(**kwargs, question="first_pet", answer="Whiskers")
    assert IdentityCheck.objects.count() == 5


def test_it_refuses_channels_without_a_caller_and_methods_that_cannot_work(
    customer, teammate, staff
):
    support = staff(StaffRole.SUPPORT)
    with pytest.raises(ValidationError) as error:
        identity.start_identity_check(
            staff=support, person=customer, channel=Channel.STAFF, method=CheckMethod.EMAIL_CODE
        )
    assert "channel" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # the teammate has no telephone on record
        identity.start_identity_check(
            staff=support, person=teammate, channel=Channel.TICKET, method=CheckMethod.PHONE_CODE
        )
    assert "method" in error.value.message_dict
    assert not IdentityCheck.objects.exists()


def test_the_console_sender_masks_the_number(
    customer, staff, capsys, django_capture_on_commit_callbacks
):
    support = staff(StaffRole.SUPPORT)
    with django_capture_on_commit_callbacks(execute=True):
        check = identity.start_identity_check(
            staff=support,
            person=customer,
            channel=Channel.TELEPHONE,
            method=CheckMethod.PHONE_CODE,
        )
    err = capsys.readouterr().err
    assert "+44•••••••018" in err
    assert "+442079460018" not in err
    code = re.search(r"code is (\d{6})", err).group(1)
    assert identity.decide_identity_check(check=check, staff=support, code=code).passed


def test_the_phone_sender_is_pluggable_and_absent_in_production(
    customer, staff, settings, django_capture_on_commit_callbacks
):
    settings.CLIENTVAULT_PHONE_SENDER = f"{__name__}.capture_text"
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        identity.start_identity_check(
            staff=staff(StaffRole.SUPPORT),
            person=customer,
            channel=Channel.TELEPHONE,
            method=CheckMethod.PHONE_CODE,
        )
    assert [m["to"] for m in SENT] == ["+442079460018"]
    settings.CLIENTVAULT_PHONE_SENDER = ""
    settings.DEBUG, settings.TESTING = False, False
    assert CheckMethod.PHONE_CODE not in identity.available_methods(customer)
