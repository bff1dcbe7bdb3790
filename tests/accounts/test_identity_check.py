# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Identity checks before staff reveal details (CTL-6): answers, one-time codes, limits, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from clientvault.accounts.models import (
    MAX_CHECK_ATTEMPTS,
    Channel,
    CheckMethod,
    CheckStatus,
    ClientLogEntry,
    IdentityCheck,
    Person,
    StaffRole,
)
from clientvault.accounts.services import identity
from clientvault.accounts.services.answers import set_security_answers
from clientvault.messaging import mailbox
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.erasure import shred_subject
from tests.accounts.confirmutil import queued_messages
from tests.accounts.personas import customer, staff, teammate  # noqa: F401
from tests.accounts.smsutil import run_jobs

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def queued_mail() -> list[dict[str, object]]:
    return queued_messages()


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
    assert decided.status == CheckStatus.PASSED
    assert decided.decided_at is not None
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
        assert result.status == CheckStatus.PENDING
        assert result.attempts == attempt
    result = identity.decide_identity_check(check=check, staff=support, code=wrong)
    assert result.status == CheckStatus.FAILED
    with pytest.raises(ValidationError, match="already decided"):
        identity.decide_identity_check(check=check, staff=support, code=code)
    assert not identity.has_passed_check(staff=support, person=customer)
    assert AuditEvent.objects.filter(action="identity_check.wrong_code").count() == 4
    assert AuditEvent.objects.filter(action="identity_check.failed").count() == 1
    assert ClientLogEntry.objects.filter(event="identity_checked", detail__startswith="failed")


def test_a_code_read_out_after_ten_minutes_expires_the_check(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    IdentityCheck.objects.filter(pk=check.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    decided = identity.decide_identity_check(check=check, staff=support, code=code)
    assert decided.status == CheckStatus.EXPIRED
    assert IdentityCheck.objects.get(pk=check.pk).status == CheckStatus.EXPIRED
    assert not identity.has_passed_check(staff=support, person=customer)
    events = AuditEvent.objects.filter(object_type="accounts.IdentityCheck", object_id=check.pk)
    assert events.order_by("seq").last().action == "identity_check.expired"
    assert not AuditEvent.objects.filter(action="identity_check.failed").exists()
    assert ClientLogEntry.objects.filter(event="identity_checked", detail__startswith="expired")


def test_a_new_code_cancels_the_previous_one(customer, staff):
    support = staff(StaffRole.SUPPORT)
    first, first_code, _ = email_code(customer, support)
    email_code(customer, support)
    first.refresh_from_db()
    assert first.status == CheckStatus.EXPIRED
    assert first.decided_at is not None
    with pytest.raises(ValidationError, match="already decided"):
        identity.decide_identity_check(check=first, staff=support, code=first_code)
    assert not identity.has_passed_check(staff=support, person=customer)


def test_each_check_a_new_code_cancels_is_audited_as_expired(customer, staff):
    support = staff(StaffRole.SUPPORT)
    first, _, _ = email_code(customer, support)
    second, _, _ = email_code(customer, support)
    email_code(customer, support)
    expired = AuditEvent.objects.filter(action="identity_check.expired").order_by("seq")
    assert [e.object_id for e in expired] == [str(first.pk), str(second.pk)]
    assert {e.subject_id for e in expired} == {customer.subject_id}
    assert {e.actor_id for e in expired} == {f"user:{support.pk}"}


def test_a_decided_check_is_not_expired_by_a_new_code(customer, staff):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    identity.decide_identity_check(check=check, staff=support, code=code)
    email_code(customer, support)
    check.refresh_from_db()
    assert check.status == CheckStatus.PASSED
    assert not AuditEvent.objects.filter(action="identity_check.expired").exists()


def test_a_pass_lasts_30_minutes_and_only_for_the_staff_member_who_checked(customer, staff):
    support, billing = staff(StaffRole.SUPPORT), staff(StaffRole.BILLING)
    check, code, _ = email_code(customer, support)
    identity.decide_identity_check(check=check, staff=support, code=code)
    assert not identity.has_passed_check(staff=billing, person=customer)
    with pytest.raises(ValidationError, match="another staff member"):
        identity.decide_identity_check(check=check, staff=billing, code=code)
    IdentityCheck.objects.filter(pk=check.pk).update(valid_until=timezone.now())
    assert not identity.has_passed_check(staff=support, person=customer)


@pytest.mark.parametrize(("minutes_ago", "still_passed"), [(29, True), (31, False)])
def test_a_pass_still_holds_after_29_minutes_and_no_longer_after_31(
    customer, staff, minutes_ago, still_passed
):
    support = staff(StaffRole.SUPPORT)
    check, code, _ = email_code(customer, support)
    identity.decide_identity_check(check=check, staff=support, code=code)
    earlier = timedelta(minutes=minutes_ago)  # as if the check had passed that long ago
    IdentityCheck.objects.filter(pk=check.pk).update(
        decided_at=F("decided_at") - earlier, valid_until=F("valid_until") - earlier
    )
    assert identity.has_passed_check(staff=support, person=customer) is still_passed
    found = identity.passed_check(staff=support, person=customer)
    assert (found is not None and found.pk == check.pk) is still_passed


def test_it_checks_a_security_answer_normalised(customer, staff):
    support = staff(StaffRole.SUPPORT)
    set_security_answers(user=customer.user, answers={"first_pet": "Mr. Whiskers"}, actor=None)
    assert identity.answered_questions(customer) == [
        ("first_pet", "What was the name of your first pet?")
    ]
    kwargs = {"staff": support, "person": customer, "channel": Channel.TICKET}
    wrong = identity.verify_security_answer(**kwargs, question="first_pet", answer="Rex")
    right = identity.verify_security_answer(**kwargs, question="first_pet", answer="mr whiskers")
    assert (wrong.status, right.status) == (CheckStatus.FAILED, CheckStatus.PASSED)
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


def test_in_development_the_worker_keeps_the_text_in_the_mailbox_not_its_console(
    customer, staff, settings, capfd, tmp_path
):
    settings.DEBUG, settings.CLIENTVAULT_SMS_URL = True, ""
    settings.CLIENTVAULT_MAILBOX_DIR = tmp_path / "mail"
    support = staff(StaffRole.SUPPORT)
    check = identity.start_identity_check(
        staff=support, person=customer, channel=Channel.TELEPHONE, method=CheckMethod.PHONE_CODE
    )
    assert run_jobs() == 1
    printed = "".join(capfd.readouterr())
    (text,) = mailbox.entries()
    assert text.to == "+442079460018"
    code = re.search(r"code is (\d{6})", text.body).group(1)
    assert code not in printed
    assert "+442079460018" not in printed
    assert "•••" not in printed  # not even masked
    decided = identity.decide_identity_check(check=check, staff=support, code=code)
    assert decided.status == CheckStatus.PASSED


def test_without_a_gateway_production_offers_no_text_message(customer, settings):
    settings.DEBUG, settings.CLIENTVAULT_SMS_URL = False, ""
    assert CheckMethod.PHONE_CODE not in identity.available_methods(customer)
    settings.CLIENTVAULT_SMS_URL = "https://sms.example.net/v1/messages"
    assert CheckMethod.PHONE_CODE in identity.available_methods(customer)


def test_it_offers_no_code_for_contact_details_that_were_erased(customer, settings):
    settings.CLIENTVAULT_SMS_URL = "https://sms.example.net/v1/messages"
    shred_subject(subject=customer.subject, actor=SYSTEM, reason="erasure_request")
    person = Person.objects.get(pk=customer.pk)
    assert person.email  # the Erased marker reads as a non-empty string
    assert person.phone
    assert identity.available_methods(person) == []


def test_the_database_refuses_checks_that_break_the_invariants(customer, staff):
    fields = {
        "staff": staff(StaffRole.SUPPORT),
        "person": customer,
        "channel": Channel.TELEPHONE,
        "method": CheckMethod.EMAIL_CODE,
        "created_at": timezone.now(),
    }
    broken = [
        {"attempts": MAX_CHECK_ATTEMPTS + 1},
        {"status": "maybe"},
        {"status": CheckStatus.FAILED},  # decided without a decision time
        {"decided_at": timezone.now()},  # pending with a decision time
        {"status": CheckStatus.PASSED, "decided_at": timezone.now()},  # passed, valid until?
        {"channel": Channel.STAFF},
    ]
    for values in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            IdentityCheck.objects.create(**(fields | values))
    assert not IdentityCheck.objects.exists()


def test_a_check_moves_only_along_its_transitions():
    check = IdentityCheck(status=CheckStatus.PENDING)
    assert all(check.may_become(s) for s in ("passed", "failed", "expired"))
    for decided in (CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.EXPIRED):
        check.status = decided
        assert not any(check.may_become(s) for s in CheckStatus.values)
