"""Confirming an e-mail address by its link: signed, single-use, 24 hours; what an account
whose address is unconfirmed may do; signups never confirmed deleted after the profile's period."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    EmailConfirmation,
    Person,
    ProfileChange,
    StaffRole,
    User,
)
from clientvault.accounts.services.confirmation import (
    LINK_VALID,
    SALT,
    UNCONFIRMED_LOGIN,
    request_email_change,
)
from clientvault.accounts.services.reset import answer_password_reset_request
from clientvault.accounts.services.staff import (
    open_account_by_telephone,
    update_person_by_telephone,
)
from clientvault.privacy.models import AuditEvent, ConsentRecord, Subject
from clientvault.privacy.services.policy import publish_policy
from clientvault.privacy.services.retention import sweep_retention
from tests.accounts import personas
from tests.accounts.confirmutil import follow, path_of, queued_links, queued_messages
from tests.accounts.mailutil import run_queued
from tests.accounts.personas import staff
from tests.accounts.test_signup import FORM, PW
from tests.accounts.test_signup import post as post_signup
from tests.accounts.test_staff_customer import pass_check

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, outsider = personas.customer, personas.outsider
staff_fixture = staff
LOGIN = reverse("accounts:login")
CONFIRM = reverse("accounts:email_confirm")
UNCONFIRMED = reverse("accounts:email_unconfirmed")
INVALID = "This link does not work"


@pytest.fixture
def signed_up(db) -> Person:
    """A signup whose address awaits its link (mary@example.org, username mary.s)."""
    post_signup(Client(), FORM)
    return Person.objects.select_related("user", "customer").get(user__username="mary.s")


def token_of(link: str) -> str:
    return path_of(link).rsplit("/", 1)[1]


def sign_in(client: Client, username: str = "mary.s", password: str = PW):
    return client.post(LOGIN, {"username": username, "password": password})


# --- the link ------------------------------------------------------------------------------------


def test_opening_the_link_moves_its_token_into_the_session_and_confirms_nothing(signed_up):
    link = queued_links(to="mary@example.org")[-1]
    client = Client()
    opened = client.get(path_of(link))
    assert (opened.status_code, opened.url) == (302, CONFIRM)  # the token is not in the URL
    page = client.get(CONFIRM)
    assert token_of(link) not in page.content.decode()
    assert "mary@example.org" in page.content.decode()
    assert Person.objects.get(pk=signed_up.pk).email_confirmed_at is None  # a button does it
    client.post(CONFIRM)
    assert Person.objects.get(pk=signed_up.pk).email_confirmed_at is not None
    assert ClientLogEntry.objects.filter(event="email_confirmed", person=signed_up).exists()
    assert AuditEvent.objects.filter(action="person.email_confirmed").exists()


def test_the_link_works_once(signed_up):
    link = queued_links()[-1]
    follow(Client(), link)
    again = Client().get(path_of(link))
    assert INVALID in again.content.decode()
    assert again["Referrer-Policy"] == "same-origin"


def test_a_link_with_a_changed_signature_or_another_salt_is_refused(signed_up):
    token = token_of(queued_links()[-1])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    payload = signing.loads(token, salt=SALT)
    forged = signing.dumps(payload, salt="another.salt", compress=False)
    for bad in (tampered, forged, "not-a-token"):
        response = Client().get(reverse("accounts:email_confirm_link", args=[bad]))
        assert INVALID in response.content.decode(), bad
    assert Person.objects.get(pk=signed_up.pk).email_confirmed_at is None


def test_the_link_works_for_24_hours_by_its_signature(signed_up, monkeypatch):
    person = Person.objects.get(pk=signed_up.pk)
    for hours, works in ((23, True), (25, False)):
        made = signing.b62_encode(int(time.time()) - hours * 3600)
        monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self, made=made: made)
        request_link = Client()
        sign_in(request_link)
        request_link.post(UNCONFIRMED)  # a new link, signed `hours` ago
        monkeypatch.undo()
        opened = Client().get(path_of(queued_links()[-1]))
        assert (opened.status_code == 302) is works, hours
    assert Person.objects.get(pk=person.pk).email_confirmed_at is None


def test_the_link_expires_with_its_row_too(signed_up):
    EmailConfirmation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert INVALID in Client().get(path_of(queued_links()[-1])).content.decode()
    assert timedelta(hours=24) == LINK_VALID


def test_the_database_keeps_no_usable_link(signed_up):
    link = queued_links()[-1]
    row = EmailConfirmation.objects.get()
    assert token_of(link) not in row.secret_digest
    assert signing.loads(token_of(link), salt=SALT)[1] not in row.secret_digest


# --- signing in with an address not confirmed --------------------------------------------------


def test_signing_in_with_the_right_password_says_the_address_needs_confirming(signed_up):
    client = Client()
    response = sign_in(client)
    assert (response.status_code, response.url) == (302, UNCONFIRMED)
    assert "_auth_user_id" not in client.session
    page = client.get(UNCONFIRMED).content.decode()
    assert "Confirm your e-mail address first" in page
    assert "Send a new link" in page
    assert client.get(reverse("accounts:dashboard")).url.startswith(LOGIN)


def test_a_wrong_password_gets_the_usual_answer_and_no_offer(signed_up):
    client = Client()
    wrong = sign_in(client, password="not-the-password-at-all")
    unknown = sign_in(Client(), username="nobody.here")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content.decode().count("do not match an account") == 1
    assert UNCONFIRMED_LOGIN not in client.session
    assert client.get(UNCONFIRMED).url == LOGIN


def test_a_new_link_replaces_the_old_one_and_is_limited(signed_up):
    first = queued_links()[-1]
    client = Client()
    sign_in(client)
    assert client.post(UNCONFIRMED).url == reverse("accounts:signup_sent")
    assert INVALID in Client().get(path_of(first)).content.decode()
    assert [client.post(UNCONFIRMED).status_code for _ in range(3)] == [302, 302, 429]
    assert len(queued_links(to="mary@example.org")) == 4  # the first and three new ones
    follow(Client(), queued_links()[-1])
    assert sign_in(Client()).url == reverse("accounts:dashboard")


def test_asking_for_a_new_link_once_confirmed_sends_none(signed_up):
    client = Client()
    sign_in(client)
    follow(Client(), queued_links()[-1])
    before = len(queued_messages())
    assert client.post(UNCONFIRMED).url == LOGIN
    assert len(queued_messages()) == before


def test_the_public_password_reset_sends_an_unconfirmed_signup_nothing(signed_up):
    before = len(queued_messages())
    for identifier in ("mary.s", "mary@example.org"):
        response = Client().post(reverse("accounts:password_reset"), {"identifier": identifier})
        assert response.url == reverse("accounts:password_reset_done")
    assert run_queued(answer_password_reset_request) == 2  # the worker answers both requests
    assert len(queued_messages()) == before


def test_a_telephone_customer_confirms_the_address_by_setting_a_password(staff_fixture):
    details = {**personas.OUTSIDER_DETAILS, "email": "kai@example.de"}
    account = open_account_by_telephone(
        staff=staff_fixture(StaffRole.SUPPORT),
        kind="individual",
        details=details,
        policy_version=publish_policy(),
    )
    person = account.people.select_related("user").get()
    assert person.email_confirmed_at is None
    link = [m for m in queued_messages() if m["to"] == "kai@example.de"][-1]["context"]["link"]
    client = Client()
    set_password_page = client.get(path_of(link)).url
    form = {"new_password1": "a-fresh-and-long-one-77", "new_password2": "a-fresh-and-long-one-77"}
    client.post(set_password_page, form)
    assert Person.objects.get(pk=person.pk).email_confirmed_at is not None
    assert sign_in(Client(), person.user.username, "a-fresh-and-long-one-77").status_code == 302


# --- a new address by telephone ------------------------------------------------------------------


def test_staff_change_the_address_only_by_the_link_and_the_old_one_is_told(customer, staff_fixture):
    support = staff_fixture(StaffRole.SUPPORT)
    pass_check(support, customer)
    data = {name: str(getattr(customer, name)) for name in ("given_name", "family_name")}
    changes = {**data, "email": "ada.work@example.org", "city": "Cambridge"}
    changes |= {"postal_code": "CB2 1TN"}
    changed = update_person_by_telephone(
        staff=support, person=customer, changes=changes, channel=Channel.TELEPHONE
    )
    assert set(changed) == {"city", "postal_code"}
    assert Person.objects.get(pk=customer.pk).email == "ada@example.com"
    to = [m["to"] for m in queued_messages()]
    assert to[-2:] == ["ada.work@example.org", "ada@example.com"]
    follow(Client(), queued_links(to="ada.work@example.org")[-1])
    assert Person.objects.get(pk=customer.pk).email == "ada.work@example.org"
    change = ProfileChange.objects.get(field="email")
    assert (change.actor_id, change.channel) == (f"user:{support.pk}", Channel.TELEPHONE)
    assert queued_messages()[-1]["to"] == "ada@example.com"  # told it was done


def test_an_address_taken_meanwhile_is_refused_at_the_link(customer, outsider):
    request_email_change(
        person=customer, email="free@example.org", actor=customer.user, channel=Channel.ONLINE
    )
    link = queued_links(to="free@example.org")[-1]
    outsider.email = "free@example.org"
    outsider.save()
    response = follow(Client(), link)
    assert "now belongs to another account" in response.content.decode()
    assert Person.objects.get(pk=customer.pk).email == "ada@example.com"


# --- signups never confirmed ------------------------------------------------------------------


def test_the_retention_sweep_deletes_signups_unconfirmed_after_the_profile_period(
    signed_up, customer
):
    subject_id, user_id = signed_up.subject_id, signed_up.user_id
    assert ConsentRecord.objects.filter(subject_id=subject_id).exists()
    week = timezone.now() + timedelta(days=7)
    kept = sweep_retention(dry_run=False, now=week - timedelta(minutes=1), actor=None)
    assert _count(kept) == 0
    assert Person.objects.filter(pk=signed_up.pk).exists()
    assert _count(sweep_retention(dry_run=True, now=week + timedelta(minutes=1), actor=None)) == 1
    assert Person.objects.filter(pk=signed_up.pk).exists()
    swept = sweep_retention(dry_run=False, now=week + timedelta(minutes=1), actor=None)
    assert _count(swept) == 1
    assert not Person.objects.filter(pk=signed_up.pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert Subject.objects.get(pk=subject_id).erased_at is not None  # its key destroyed
    assert Person.objects.filter(pk=customer.pk).exists()  # a confirmed account stays
    assert AuditEvent.objects.filter(action="signup.discarded", subject_id=subject_id).exists()


def _count(lines) -> int:
    [line] = [ln for ln in lines if ln.model == "accounts.Customer"]
    assert (line.period, line.days) == ("unconfirmed_signups", 7)
    return line.count
