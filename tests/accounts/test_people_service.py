"""The people service (COL-5): invitations, joining, permissions and removal."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientvault.accounts.models import (
    ApiToken,
    ClientLogEntry,
    Invitation,
    Person,
    PersonRole,
    User,
    UserSession,
)
from clientvault.accounts.services import create_api_token
from clientvault.accounts.services.customers import email_taken
from clientvault.accounts.services.people import (
    accept_invitation,
    account_people,
    create_invitation,
    find_invitation,
    invite_user,
    pending_invitations,
    remove_person,
    revoke_invitation,
    set_permissions,
    withdraw_invitations_sent_by,
)
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.policy import accepted_version, publish_policy
from tests.accounts import personas
from tests.accounts.mailutil import deliver_mail, queued_mail

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
JOINER = {"given_name": "Katherine", "family_name": "Johnson", "phone": "020 7946 0321"}


def invite(owner, email="kj@example.org", permissions=("support",)):
    invitation = invite_user(
        customer=owner.customer, email=email, permissions=permissions, actor=owner.user
    )
    return invitation, token_from_mail(email)


def token_from_mail(email: str) -> str:
    mail.outbox.clear()
    deliver_mail()
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return message.body.split("/invitations/", 1)[1].split()[0]


def join(token, username="katherine", **details):
    return accept_invitation(
        token=token,
        details={**JOINER, **details},
        username=username,
        password=personas.PASSWORD,
        policy_version=publish_policy(),
    )


def test_an_invitation_keeps_only_the_digest_of_its_token(customer):
    invitation, token = invite(customer)
    assert invitation.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(row)
    assert "kj@example.org" not in str(row)
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    event = AuditEvent.objects.get(action="person.invited")
    assert "@" not in str(event.details)
    assert event.details["permissions"] == ["support"]


def test_the_mail_goes_to_the_address_given_with_the_link(customer):
    invite_user(
        customer=customer.customer, email="KJ@Example.org", permissions=[], actor=customer.user
    )
    deliver_mail()
    (message,) = mail.outbox
    assert message.to == ["KJ@example.org"]
    assert "/invitations/" in message.body
    assert "as an authorised user" in message.body


def test_inviting_the_same_address_again_replaces_the_earlier_link(customer):
    first, first_token = invite(customer)
    invite(customer)
    assert Invitation.objects.get(pk=first.pk).revoked_at is not None
    assert find_invitation(token=first_token) is None


def test_it_refuses_an_address_that_already_has_a_login(customer, outsider):
    with pytest.raises(ValidationError) as error:
        invite_user(
            customer=customer.customer,
            email="otto@example.net",
            permissions=[],
            actor=customer.user,
        )
    assert "already belongs" in error.value.message_dict["email"][0]


def test_the_invitee_joins_with_their_own_subject_login_and_data(customer):
    invitation, token = invite(customer)
    person = join(token)
    assert person.role == PersonRole.AUTHORISED_USER
    assert person.customer == customer.customer
    assert person.subject_id == invitation.subject_id == person.user.subject_id
    assert person.subject_id != customer.subject_id
    assert (person.email, person.phone) == ("kj@example.org", "+442079460321")  # read for GB
    assert person.permissions == ["support"]
    assert accepted_version(subject=person.subject) is not None
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    assert person in account_people(customer=customer.customer)


def test_a_link_works_once(customer):
    _, token = invite(customer)
    join(token)
    with pytest.raises(ValidationError, match="not valid"):
        join(token, username="katherine2")


def test_an_expired_or_withdrawn_link_does_not_work(customer):
    invitation, token = invite(customer)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="not valid"):
        join(token)
    invitation, token = invite(customer, email="other@example.org")
    revoke_invitation(invitation=invitation, actor=customer.user)
    assert find_invitation(token=token) is None


def test_joining_names_every_problem(customer, teammate):
    _, token = invite(customer)
    with pytest.raises(ValidationError) as error:
        join(token, username="grace", family_name="", phone="12")
    errors = error.value.message_dict
    assert errors["family_name"] == ["Family name is required to join the account."]
    assert errors["username"] == ["Username: this username is taken."]
    assert errors["phone"][0].startswith("Telephone:")
    assert Person.objects.filter(customer=customer.customer).count() == 2


def test_only_people_with_contacts_manage_people(customer, teammate, outsider):
    with pytest.raises(PermissionDenied):
        invite_user(
            customer=customer.customer, email="x@example.org", permissions=[], actor=teammate.user
        )
    with pytest.raises(PermissionDenied):
        set_permissions(person=teammate, permissions=[], actor=outsider.user)


def test_a_contacts_holder_gives_only_what_they_hold_and_not_to_themselves(customer, teammate):
    set_permissions(person=teammate, permissions=["contacts", "support"], actor=customer.user)
    other = personas.add_authorised_user(customer, username="linus", email="linus@example.org")
    with pytest.raises(PermissionDenied, match="do not hold it yourself"):
        set_permissions(person=other, permissions=["billing"], actor=teammate.user)
    set_permissions(person=other, permissions=["support"], actor=teammate.user)
    assert Person.objects.get(pk=other.pk).permissions == ["support"]
    with pytest.raises(PermissionDenied, match="your own access"):
        set_permissions(person=teammate, permissions=["contacts"], actor=teammate.user)


def test_permissions_are_checked_and_logged(customer, teammate):
    with pytest.raises(ValidationError):
        set_permissions(person=teammate, permissions=["root"], actor=customer.user)
    set_permissions(person=teammate, permissions=["domains", "billing"], actor=customer.user)
    assert Person.objects.get(pk=teammate.pk).permissions == ["billing", "domains"]
    event = AuditEvent.objects.get(action="person.permissions_changed")
    assert event.details["after"] == ["billing", "domains"]


def test_the_owner_cannot_be_removed(customer):
    with pytest.raises(PermissionDenied):
        remove_person(person=customer, actor=SYSTEM)


def test_removing_ends_sessions_closes_the_login_and_frees_the_address(customer, teammate):
    now = timezone.now()
    UserSession.objects.create(
        user=teammate.user,
        subject=teammate.subject,
        key_digest="k" * 64,
        created_at=now,
        last_seen_at=now,
    )
    token, _ = create_api_token(user=teammate.user, name="ci")
    user_pk = teammate.user_id
    remove_person(person=teammate, actor=customer.user)
    user = User.objects.get(pk=user_pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert not UserSession.objects.filter(user=user).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    person = Person.objects.get(pk=teammate.pk)
    assert person.user_id is None
    assert person.permissions == []
    assert not email_taken("grace@example.com")
    assert person not in account_people(customer=customer.customer)
    event = AuditEvent.objects.get(action="person.removed")
    assert event.details == {"sessions_ended": 1, "tokens_revoked": 1}
    revoked = AuditEvent.objects.get(action="api_token.revoked")
    assert (revoked.object_id, revoked.subject_id) == (str(token.pk), teammate.subject_id)
    assert ClientLogEntry.objects.filter(
        event="api_token_revoked", detail="1 token revoked: removed from the account"
    ).exists()
    with pytest.raises(ValidationError, match="no longer on the account"):
        set_permissions(person=person, permissions=[], actor=customer.user)


def test_create_invitation_returns_the_token_once_and_sends_nothing(customer):
    invitation, token = create_invitation(
        customer=customer.customer, email="kj@example.org", permissions=[], actor=customer.user
    )
    assert queued_mail() == 0
    assert find_invitation(token=token) == invitation
    assert join(token).permissions == []


def test_withdrawing_a_logins_invitations_locks_them_in_one_query(customer):
    for n in range(3):
        invite(customer, email=f"kj{n}@example.org")
    with CaptureQueriesContext(connection) as queries:
        assert withdraw_invitations_sent_by(user=customer.user, actor=customer.user) == 3
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "accounts_invitation"' in q["sql"]
    ]
    assert len(selects) == 1
    assert not pending_invitations(customer=customer.customer).exists()
    assert AuditEvent.objects.filter(action="person.invitation_revoked").count() == 3
