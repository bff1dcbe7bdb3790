"""Password reset (CTL-2): one link, valid one hour, once, only to the e-mail on record."""

import datetime as dt
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from clientvault.accounts import throttle
from clientvault.accounts.models import ApiToken, Channel, ClientLogEntry, Person, UserSession
from clientvault.accounts.services import authenticate_api_token, create_api_token
from clientvault.accounts.services.confirmation import request_email_change
from clientvault.accounts.services.reset import (
    ResetTokens,
    answer_password_reset_request,
    send_password_reset,
)
from tests.accounts import mailutil, personas
from tests.accounts.confirmutil import follow, queued_links
from tests.accounts.mailutil import deliver_mail, link_in, queued_mail, run_queued
from tests.accounts.personas import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

smtp_server = mailutil.smtp_server
REQUEST = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
NEW_PASSWORD = "a-brand-new-and-long-passphrase"


def ask(client, identifier):
    return client.post(REQUEST, {"identifier": identifier})


def deliver_reset_mail():
    """What the worker does: answer the queued requests, then send the mail they queued."""
    run_queued(answer_password_reset_request)
    return deliver_mail()


def queued_after_answering():
    run_queued(answer_password_reset_request)
    return queued_mail()


def page_text(response):
    """The page without its per-request parts (the CSRF token, the identifier typed back)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="identifier"[^>]*>', "", page)


def set_password(client, link, password=NEW_PASSWORD):
    """Open the link as a browser would, then choose the new password."""
    opened = client.get(urlsplit(link).path)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def can_sign_in(username, password):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


class OldTokens(ResetTokens):
    def _now(self):
        # Django's tokens count naive local seconds; this one was made 61 minutes ago.
        return dt.datetime.now() - dt.timedelta(minutes=61)  # noqa: DTZ005


def test_the_sent_page_says_how_to_reach_support_without_the_address():
    page = Client().get(DONE).content.decode()
    assert "If you no longer use that address, contact support at" in page
    assert '<a href="mailto:support@example.com">support@example.com</a>' in page
    assert '<a href="tel:+17035550100">+1 703-555-0100</a>' in page


def test_a_forgotten_password_is_reset_through_the_mailed_link(customer, smtp_server):
    client = Client()
    assert ask(client, "ada")["Location"] == DONE
    assert "If an account matches" in client.get(DONE).content.decode()
    assert deliver_reset_mail() == 1
    message = smtp_server.wait_for("ada@example.com")
    assert message["Subject"] == "Reset your password"
    link = link_in(message)
    assert "60 minutes" in mailutil.body(message)
    response = set_password(client, link)
    assert response["Location"] == reverse("accounts:login")
    assert can_sign_in("ada", NEW_PASSWORD)
    assert not can_sign_in("ada", PASSWORD)
    assert ClientLogEntry.objects.filter(customer=customer.customer, event="password_reset")


def test_the_link_works_only_once(customer, smtp_server):
    ask(Client(), "ada@example.com")
    deliver_reset_mail()
    link = link_in(smtp_server.wait_for("ada@example.com"))
    set_password(Client(), link)
    again = set_password(Client(), link, "yet-another-long-passphrase")
    assert again.status_code == 200
    assert "This link does not work" in again.content.decode()
    assert can_sign_in("ada", NEW_PASSWORD)


def test_a_link_older_than_an_hour_is_refused(customer):
    uid = urlsafe_base64_encode(force_bytes(customer.user.pk))
    token = OldTokens().make_token(customer.user)
    response = Client().get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    assert "This link does not work" in response.content.decode()
    fresh = ResetTokens().make_token(customer.user)
    response = Client().get(reverse("accounts:password_reset_confirm", args=[uid, fresh]))
    assert response.status_code == 302


def test_it_answers_an_unknown_account_exactly_like_a_known_one(customer):
    known, unknown = Client(), Client()
    assert ask(known, "ada@example.com")["Location"] == ask(unknown, "who@example.org")["Location"]
    assert queued_after_answering() == 1
    # Each browser has its own CSRF token (the cookie banner is a form); nothing else differs.
    assert _without_token(known.get(DONE)) == _without_token(unknown.get(DONE))


def _without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_it_sends_only_to_the_address_on_record_whatever_was_typed(customer, smtp_server):
    ask(Client(), "ADA")
    deliver_reset_mail()
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]


def test_staff_trigger_the_same_link_to_the_address_on_record(customer, smtp_server):
    staff = make_staff("support")
    send_password_reset(user=customer.user, actor=staff, channel=Channel.TELEPHONE)
    deliver_reset_mail()
    message = smtp_server.wait_for("ada@example.com")
    assert set_password(Client(), link_in(message))["Location"] == reverse("accounts:login")
    entry = ClientLogEntry.objects.get(event="password_reset_requested")
    assert entry.actor_label.startswith("staff")
    assert entry.channel == Channel.TELEPHONE


def test_the_queue_holds_neither_the_address_typed_nor_the_link(customer):
    ask(Client(), "Ada@Example.com")
    run_queued(answer_password_reset_request)
    assert DBTaskResult.objects.count() == 2  # the request's job, and the mail it queued
    stored = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", "return_value")))
    assert "ada@example.com" not in stored.casefold()
    assert "password-reset" not in stored


# --- the request does the same work whether or not an account matches --------------------


def statements(request):
    """The SQL the request runs (both databases), with its values taken out."""
    contexts = [CaptureQueriesContext(connections[alias]) for alias in ("default", "keys")]
    with contexts[0], contexts[1]:
        response = request()
    assert (response.status_code, response["Location"]) == (302, DONE)
    sql = [
        f"{alias}: {q['sql']}"
        for alias, c in zip(("default", "keys"), contexts, strict=True)
        for q in c
    ]
    values = r"'(?:[^']|'')*'|\b[0-9a-f]{32}\b|\b\d+(?:\.\d+)?\b|(?<=\"s)\d+_x\d+"
    return [re.sub(values, "?", q) for q in sql]


def test_the_request_runs_the_same_statements_for_an_existing_and_an_unknown_account(
    customer, smtp_server
):
    known = statements(lambda: ask(Client(REMOTE_ADDR="198.51.100.61"), "ada@example.com"))
    unknown = statements(lambda: ask(Client(REMOTE_ADDR="198.51.100.62"), "who@example.org"))
    assert known == unknown
    assert sum("INSERT INTO" in q and "dbtaskresult" in q.lower() for q in known) == 1
    assert (queued_mail(), smtp_server.messages) == (0, [])  # nothing is sent in the request


def answer_jobs():
    return DBTaskResult.objects.filter(task_path=answer_password_reset_request.module_path)


def test_the_queued_job_mails_an_existing_account_once_and_an_unknown_one_never(
    customer, smtp_server
):
    ask(Client(), "who@example.org")
    ask(Client(), "ada@example.com")
    assert answer_jobs().count() == 2
    assert run_queued(answer_password_reset_request) == 2
    assert deliver_mail() == 1
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]


def test_running_the_job_twice_sends_once(customer, smtp_server):
    ask(Client(), "ada")
    result = answer_jobs().get().task_result
    answers = [answer_password_reset_request.call(*result.args, **result.kwargs) for _ in "12"]
    assert answers == [{"answered": 1}, {"answered": 0}]
    assert deliver_mail() == 1
    assert len(smtp_server.messages) == 1
    assert ClientLogEntry.objects.filter(event="password_reset_requested").count() == 1


def test_a_reset_lifts_the_lockout(customer, smtp_server):
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    statuses = [
        guesser.post(reverse("accounts:login"), {"username": "ada", "password": "wrong-guess"})
        for _ in range(5)
    ]
    assert statuses[-1].status_code == 429  # locked from this address
    ask(Client(), "ada")
    deliver_reset_mail()
    set_password(Client(), link_in(smtp_server.wait_for("ada@example.com")))
    login = {"username": "ada", "password": NEW_PASSWORD}
    assert guesser.post(reverse("accounts:login"), login).status_code == 302


def test_nothing_is_sent_when_the_transaction_rolls_back(customer):
    def queue_then_fail():
        with transaction.atomic():
            send_password_reset(user=customer.user, actor=None, channel=Channel.ONLINE)
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        queue_then_fail()
    assert queued_mail() == 0


def test_a_reset_signs_out_every_session(customer, smtp_server):
    signed_in = Client()
    signed_in.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    ask(Client(), "ada")
    deliver_reset_mail()
    set_password(Client(), link_in(smtp_server.wait_for("ada@example.com")))
    assert not UserSession.objects.filter(user=customer.user).exists()
    assert signed_in.get(reverse("accounts:security")).status_code == 302


def test_it_refuses_a_weak_new_password_naming_the_field(customer):
    uid = urlsafe_base64_encode(force_bytes(customer.user.pk))
    token = ResetTokens().make_token(customer.user)
    client = Client()
    opened = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    response = client.post(opened["Location"], {"new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    assert "New password: This password is too short" in response.content.decode()


def test_it_stops_sending_for_one_identifier_without_changing_the_answer(customer):
    answers = {}
    for identifier in ("ada", "nobody-here"):
        client = Client(REMOTE_ADDR="198.51.100.3" if identifier == "ada" else "198.51.100.4")
        answers[identifier] = [ask(client, identifier) for _ in range(4)]
        assert [(r.status_code, r["Location"]) for r in answers[identifier]] == [(302, DONE)] * 4
    assert queued_after_answering() == 3  # the fourth request for "ada" sent nothing
    owner = ask(Client(REMOTE_ADDR="192.0.2.1"), "ADA")
    assert (owner.status_code, owner["Location"]) == (302, DONE)  # not refused, only silent
    assert queued_after_answering() == 3


def test_it_refuses_many_requests_from_one_address_the_same_for_everyone(customer, monkeypatch):
    monkeypatch.setattr(throttle, "RESET_REQUEST_IP", throttle.Rule("reset-request-ip", 2))
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert [ask(client, name).status_code for name in ("ada", "nobody-here")] == [302, 302]
    refusals = [ask(client, name) for name in ("ada", "nobody-here")]
    assert [r.status_code for r in refusals] == [429, 429]
    assert page_text(refusals[0]) == page_text(refusals[1])
    assert "Too many attempts. Please try again in" in refusals[0].content.decode()


def test_it_throttles_guessing_reset_links():
    client = Client()
    uid = urlsafe_base64_encode(b"1")
    statuses = [
        client.get(reverse("accounts:password_reset_confirm", args=[uid, f"x-{n}"])).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


@pytest.mark.django_db(transaction=True, databases=["default", "keys"])
def test_the_worker_delivers_the_reset_mail(customer, smtp_server):
    ask(Client(), "ada")
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert "/password-reset/" in link_in(smtp_server.wait_for("ada@example.com"))


def test_it_refuses_a_link_once_the_address_changes(customer, smtp_server):
    ask(Client(), "ada")
    deliver_reset_mail()
    link = link_in(smtp_server.wait_for("ada@example.com"))
    request_email_change(
        person=customer, email="ada.new@example.org", actor=customer.user, channel=Channel.ONLINE
    )
    follow(Client(), queued_links(to="ada.new@example.org")[-1])
    assert Person.objects.get(pk=customer.pk).email == "ada.new@example.org"
    response = set_password(Client(), link)
    assert "This link does not work" in response.content.decode()
    assert can_sign_in("ada", PASSWORD)


def test_it_revokes_every_api_token_on_reset_and_says_so(customer, smtp_server):
    _, raw = create_api_token(user=customer.user, name="made with a stolen session")
    create_api_token(user=customer.user, name="another")
    ask(Client(), "ada")
    deliver_reset_mail()
    client = Client()
    response = set_password(client, link_in(smtp_server.wait_for("ada@example.com")))
    assert authenticate_api_token(raw) is None
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    shown = client.get(response["Location"]).content.decode()
    assert "2 API tokens revoked." in shown
    entry = ClientLogEntry.objects.get(event="api_token_revoked")
    assert entry.detail == "2 tokens revoked: password reset"
