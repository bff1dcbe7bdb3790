# ruff: noqa: F811  (pytest fixtures imported from mailutil, personas and support)
"""Mail that comes in (messaging.inbound.receive): requests to the opt-out addresses, delivery
reports and abuse reports to the bounce address, and the messages it refuses."""

from __future__ import annotations

import logging
import uuid
from email import policy
from email.message import EmailMessage

import pytest
from django.conf import settings

from clientvault.messaging.inbound import Action, Dkim, MailRejected, Outcome, receive
from clientvault.messaging.inbound import actions as inbound_actions
from clientvault.messaging.inbound.problems import Malformed, NoSender, TooBig, UnknownRecipient
from clientvault.messaging.models import Message, SkipReason, Status, Suppression
from clientvault.messaging.services.outbox import queue_message
from clientvault.messaging.unsubscribe import make_token
from clientvault.privacy.models import AuditEvent, ConsentRecord, ConsentSource
from clientvault.privacy.profile import PRESETS_DIR, current_profile
from clientvault.privacy.services.consent import current_consent, grant_consent
from clientvault.privacy.taxonomy import Purpose
from tests.accounts.mailutil import body, deliver_mail, smtp_server  # noqa: F401
from tests.accounts.personas import customer  # noqa: F401
from tests.kernelapp.messages import OFFER
from tests.messaging.support import ADDRESS, fresh, recipient  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])
OPT_OUT = "optout@example.com"
RESELLERS = "reseller-optout@example.com"
STRANGER = "mallory@example.org"


def mail(*, sender: str = ADDRESS, to: str = OPT_OUT, subject: str = "unsubscribe") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.net>"
    message.set_content("Please send me no more offers.\n")
    return message.as_bytes(policy=policy.SMTP)


def report(kind: str, fields: str, header_id: str, *, returned: str = "text/rfc822-headers"):
    """A multipart/report (``kind``: delivery-status or feedback-report) about ``header_id``."""
    original = (
        f"From: {settings.DEFAULT_FROM_EMAIL}\r\nTo: {ADDRESS}\r\nMessage-ID: {header_id}\r\n"
    )
    if returned == "message/rfc822":
        original += "Subject: An offer\r\n\r\nThe offer.\r\n"
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        f"To: {settings.CLIENTVAULT_BOUNCE_ADDRESS}\r\n"
        "Subject: Report\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mx.example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type={kind}; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nA report about a message you sent.\r\n"
        f"--R\r\nContent-Type: message/{kind}\r\n\r\n{fields}\r\n"
        f"--R\r\nContent-Type: {returned}\r\n\r\n{original}\r\n"
        "--R--\r\n"
    )
    return text.encode()


def delivery_report(header_id: str, *, action="failed", status="5.1.1", **kw) -> bytes:
    fields = (
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {ADDRESS}\r\nAction: {action}\r\nStatus: {status}\r\n"
    )
    return report("delivery-status", fields, header_id, **kw)


def abuse_report(header_id: str, *, feedback_type="abuse", rcpt: str = "") -> bytes:
    fields = f"Feedback-Type: {feedback_type}\r\nUser-Agent: Provider-FBL/1.0\r\nVersion: 1\r\n"
    fields += f"Original-Rcpt-To: {rcpt}\r\n" if rcpt else ""
    return report("feedback-report", fields, header_id, returned="message/rfc822")


def consents(subject, *purposes):
    for purpose in purposes:
        grant_consent(subject=subject, purpose=purpose, source=ConsentSource.FORM, actor=None)
    return subject


def newest(subject, purpose=Purpose.MARKETING) -> ConsentRecord:
    return ConsentRecord.objects.filter(subject=subject, purpose=purpose).latest("at", "id")


def state() -> tuple[int, int, int, int]:
    return (
        ConsentRecord.objects.count(),
        Message.objects.count(),
        Suppression.objects.count(),
        AuditEvent.objects.count(),
    )


def sent_offer(subject) -> Message:
    message = queue_message(subject_id=subject.id, to=ADDRESS, kind=OFFER.key)
    deliver_mail()
    assert fresh(message).status == Status.SENT
    return message


@pytest.fixture
def partner_profile(settings):
    """The partner-opt-out preset: partner offers offered, a separate resellers' address."""
    settings.CLIENTVAULT_POLICY = PRESETS_DIR / "partner-opt-out.toml"
    current_profile.cache_clear()


# Requests to stop marketing


def test_a_request_from_an_address_on_record_withdraws_marketing_by_email(customer, smtp_server):
    consents(customer.subject, Purpose.MARKETING)
    outcome = receive(mail(sender="Ada Lovelace <ADA@example.com>"))
    assert outcome == Outcome(action=Action.OPT_OUT, dkim=Dkim.ABSENT)
    assert not current_consent(subject=customer.subject, purpose=Purpose.MARKETING)
    record = newest(customer.subject)
    assert (record.granted, record.source) == (False, ConsentSource.EMAIL)
    assert record.reference == "e-mail to the opt-out address; DKIM absent"


def test_the_confirmation_says_what_was_withdrawn_and_that_service_mail_continues(
    customer, smtp_server
):
    consents(customer.subject, Purpose.MARKETING)
    receive(mail())
    assert deliver_mail() == 1
    reply = smtp_server.wait_for(ADDRESS)
    assert reply["Subject"] == "You have unsubscribed"
    text = body(reply)
    assert "You will no longer receive news and offers by e-mail" in text
    assert "Messages about your account and services (invoices," in text
    assert "continue: they are not marketing" in text
    assert reply.get_body(preferencelist=("html",)) is not None
    [queued] = Message.objects.filter(kind="messaging.opt_out_confirmation")
    assert (queued.category, queued.subject_id) == ("service", customer.subject_id)


def test_a_request_from_an_unknown_address_changes_nothing_and_says_the_same(customer):
    consents(customer.subject, Purpose.MARKETING)
    before = state()
    stranger = receive(mail(sender=STRANGER))
    assert state() == before
    assert stranger == receive(mail(sender=ADDRESS))  # the same answer for a customer


def test_a_request_delivered_twice_records_once_and_confirms_once(customer):
    consents(customer.subject, Purpose.MARKETING)
    raw = mail()
    receive(raw)
    after_first = state()
    receive(raw)
    assert state() == after_first
    assert Message.objects.filter(kind="messaging.opt_out_confirmation").count() == 1


def test_a_genuine_token_in_the_subject_line_withdraws_for_the_subject_it_names(recipient):
    consents(recipient, Purpose.MARKETING)
    token = make_token(subject_id=recipient.id, purpose=Purpose.MARKETING)
    receive(mail(sender=STRANGER, subject=f"unsubscribe {token}"))
    assert newest(recipient).source == ConsentSource.EMAIL
    assert not current_consent(subject=recipient, purpose=Purpose.MARKETING)
    [reply] = Message.objects.filter(kind="messaging.opt_out_confirmation")
    assert reply.subject_id == recipient.id


def test_an_altered_token_changes_nothing(recipient):
    consents(recipient, Purpose.MARKETING)
    token = make_token(subject_id=recipient.id, purpose=Purpose.MARKETING)
    before = state()
    receive(mail(sender=STRANGER, subject=f"unsubscribe {token[:-2]}xx"))
    assert state() == before


def test_one_address_for_both_lists_withdraws_marketing_and_the_newsletter(customer):
    assert current_profile().reseller_opt_out_address == OPT_OUT
    consents(customer.subject, Purpose.MARKETING, Purpose.RESELLER_NEWSLETTER)
    receive(mail())
    for purpose in (Purpose.MARKETING, Purpose.RESELLER_NEWSLETTER):
        assert newest(customer.subject, purpose).source == ConsentSource.EMAIL
    # Partner sharing is not offered by this profile: there is nothing to withdraw.
    assert not ConsentRecord.objects.filter(purpose=Purpose.PARTNER_SHARING).exists()


def test_the_marketing_address_withdraws_partner_offers_where_they_are_offered(
    customer, partner_profile
):
    consents(customer.subject, Purpose.MARKETING, Purpose.RESELLER_NEWSLETTER)
    receive(mail(to=OPT_OUT))
    assert not current_consent(subject=customer.subject, purpose=Purpose.MARKETING)
    assert not current_consent(subject=customer.subject, purpose=Purpose.PARTNER_SHARING)
    assert current_consent(subject=customer.subject, purpose=Purpose.RESELLER_NEWSLETTER)


def test_the_resellers_address_withdraws_only_the_newsletter(customer, partner_profile):
    consents(customer.subject, Purpose.MARKETING, Purpose.RESELLER_NEWSLETTER)
    receive(mail(to=RESELLERS))
    assert not current_consent(subject=customer.subject, purpose=Purpose.RESELLER_NEWSLETTER)
    assert current_consent(subject=customer.subject, purpose=Purpose.MARKETING)


def test_a_failure_half_way_leaves_nothing_half_written(customer, monkeypatch):
    consents(customer.subject, Purpose.MARKETING)
    before = state()

    def broken_confirmation(**kwargs):
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr(inbound_actions, "confirm", broken_confirmation)
    with pytest.raises(RuntimeError):
        receive(mail())
    assert state() == before
    assert current_consent(subject=customer.subject, purpose=Purpose.MARKETING)


# Delivery reports and abuse reports


@pytest.mark.parametrize("returned", ["text/rfc822-headers", "message/rfc822"])
def test_a_permanent_failure_bounces_the_message_and_suppresses_its_address(
    recipient, smtp_server, returned
):
    consents(recipient, Purpose.MARKETING)
    offer = sent_offer(recipient)
    outcome = receive(delivery_report(offer.header_id, returned=returned))
    assert outcome.action == Action.BOUNCE
    assert fresh(offer).status == Status.BOUNCED
    [suppressed] = Suppression.objects.all()
    assert (suppressed.address_index, suppressed.reason) == (offer.to_index, "bounce")
    later = queue_message(subject_id=recipient.id, to=ADDRESS, kind=OFFER.key)
    deliver_mail()
    assert (fresh(later).status, fresh(later).skip_reason) == (
        Status.SKIPPED,
        SkipReason.SUPPRESSED,
    )


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.7"), ("failed", "4.2.2")])
def test_a_delay_or_temporary_failure_changes_nothing(recipient, smtp_server, action, status):
    consents(recipient, Purpose.MARKETING)
    offer = sent_offer(recipient)
    before = state()
    outcome = receive(delivery_report(offer.header_id, action=action, status=status))
    assert outcome.action == Action.DELAY
    assert fresh(offer).status == Status.SENT
    assert state() == before


def test_a_report_about_no_message_sent_from_here_changes_nothing(recipient):
    before = state()
    assert receive(delivery_report("<forged@localhost>")).action == Action.UNMATCHED
    assert state() == before


def test_an_abuse_report_suppresses_the_address_and_withdraws_marketing(recipient, smtp_server):
    consents(recipient, Purpose.MARKETING)
    offer = sent_offer(recipient)
    assert receive(abuse_report(offer.header_id)).action == Action.COMPLAINT
    [suppressed] = Suppression.objects.all()
    assert (suppressed.address_index, suppressed.reason) == (offer.to_index, "complaint")
    record = newest(recipient)
    assert (record.granted, record.source) == (False, ConsentSource.EMAIL)


def test_an_abuse_report_naming_only_the_recipient_finds_the_person_on_record(customer):
    consents(customer.subject, Purpose.MARKETING)
    outcome = receive(abuse_report("<unknown@localhost>", rcpt=f"rfc822; {ADDRESS}"))
    assert outcome.action == Action.COMPLAINT
    assert Suppression.objects.get().reason == "complaint"
    assert not current_consent(subject=customer.subject, purpose=Purpose.MARKETING)


def test_a_feedback_report_that_is_not_a_complaint_changes_nothing(recipient, smtp_server):
    offer = sent_offer(consents(recipient, Purpose.MARKETING))
    before = state()
    assert receive(abuse_report(offer.header_id, feedback_type="not-spam")).action == "ignored"
    assert state() == before


# What is refused


def test_it_refuses_a_malformed_message_naming_the_problem(customer):
    with pytest.raises(Malformed, match="The message is malformed"):
        receive(b"this is not an e-mail message\r\nat all")


def test_it_refuses_a_broken_multipart_message(customer):
    raw = mail().replace(b"Content-Type: text/plain", b"Content-Type: multipart/mixed")
    with pytest.raises(Malformed):
        receive(raw)


def test_it_refuses_a_message_without_a_sender(customer):
    with pytest.raises(NoSender, match="no sender"):
        receive(mail().replace(b"From: ada@example.com\r\n", b""))
    with pytest.raises(NoSender):
        receive(mail(sender="not an address"))


def test_it_refuses_a_message_over_the_limit_naming_the_limit(customer, settings):
    settings.CLIENTVAULT_MAIL_MAX_BYTES = 2048
    with pytest.raises(TooBig, match="the limit is 2048 bytes") as refused:
        receive(mail(subject="unsubscribe " + "x" * 3000))
    assert refused.value.reply().startswith("552 5.3.4 ")


def test_it_refuses_a_message_to_a_mailbox_that_is_not_ours(customer):
    with pytest.raises(UnknownRecipient, match="opt-out and bounce addresses"):
        receive(mail(to="sales@example.com"))
    with pytest.raises(UnknownRecipient):
        receive(mail(to=OPT_OUT), envelope_to=["sales@example.com"])


@pytest.mark.parametrize(
    "raw",
    [b"garbage", mail(sender=""), mail(to="sales@example.com")],
    ids=["malformed", "no-sender", "not-ours"],
)
def test_a_refused_message_changes_nothing(customer, raw):
    consents(customer.subject, Purpose.MARKETING)
    before = state()
    with pytest.raises(MailRejected):
        receive(raw)
    assert state() == before


def test_a_message_to_the_bounce_address_that_is_no_report_is_taken_and_ignored(customer):
    before = state()
    outcome = receive(mail(to=settings.CLIENTVAULT_BOUNCE_ADDRESS, subject="Out of office"))
    assert outcome.action == Action.IGNORED
    assert state() == before


def test_nothing_personal_is_logged(customer, caplog):
    caplog.set_level(logging.DEBUG)
    consents(customer.subject, Purpose.MARKETING)
    receive(mail(sender="Ada Lovelace <ada@example.com>"))
    receive(mail(sender=STRANGER))
    logged = caplog.text.lower()
    assert "inbound mail" in logged
    for personal in ("ada@example.com", "lovelace", STRANGER, str(customer.subject_id)):
        assert personal.lower() not in logged
