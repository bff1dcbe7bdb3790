import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientvault.accounts.models import ApiToken, User
from clientvault.accounts.services import (
    authenticate_api_token,
    create_api_token,
    revoke_api_token,
)
from clientvault.accounts.services import tokens as services
from clientvault.privacy.actors import SYSTEM
from clientvault.privacy.models import AuditEvent, Subject
from clientvault.privacy.services.audit import verify_chain

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def user():
    return User.objects.create_user(username="ada", password="irrelevant-here")


def _stored_text(token: ApiToken) -> str:
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    return " ".join(str(value) for value in row.values())


def test_it_returns_the_token_once_and_stores_only_its_digest(user):
    token, raw = create_api_token(user=user, name="laptop")
    scheme, prefix, secret = raw.split("_", 2)
    assert (scheme, prefix) == ("cv", token.prefix)
    assert len(secret) >= 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert secret not in _stored_text(token)


def test_it_makes_a_different_token_each_time(user):
    raws = {create_api_token(user=user, name=f"t{n}")[1] for n in range(5)}
    assert len(raws) == 5


def test_it_authenticates_a_fresh_token(user):
    token, raw = create_api_token(user=user, name="laptop", expires_in_days=1)
    assert authenticate_api_token(raw) == user
    assert token.expires_at - timezone.now() <= timedelta(days=1)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        lambda raw: raw + "x",
        lambda raw: raw.replace("cv_", "xx_", 1),
        lambda raw: raw.split("_", 2)[2],
        lambda raw: "",
        lambda raw: "cv__",
        lambda raw: raw + "x" * 500,
    ],
    ids=["changed", "extended", "scheme", "secret-only", "empty", "bare", "huge"],
)
def test_it_refuses_a_wrong_token(user, mangle):
    _, raw = create_api_token(user=user, name="laptop")
    assert authenticate_api_token(mangle(raw)) is None


def test_it_refuses_an_expired_token(user):
    token, raw = create_api_token(user=user, name="laptop")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_api_token(raw) is None


def test_it_refuses_a_revoked_token(user):
    token, raw = create_api_token(user=user, name="laptop")
    revoke_api_token(token=token, actor=user)
    assert authenticate_api_token(raw) is None


def test_it_refuses_the_token_of_an_inactive_user(user):
    _, raw = create_api_token(user=user, name="laptop")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert authenticate_api_token(raw) is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_it_refuses_a_bad_name(user, name):
    with pytest.raises(ValidationError) as caught:
        create_api_token(user=user, name=name)
    assert list(caught.value.message_dict) == ["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 366, True, 1.5])
def test_it_refuses_a_bad_expiry(user, days):
    with pytest.raises(ValidationError) as caught:
        create_api_token(user=user, name="laptop", expires_in_days=days)
    assert list(caught.value.message_dict) == ["expires_in_days"]
    assert "1 to 365" in caught.value.message_dict["expires_in_days"][0]


def test_it_accepts_the_limits(user):
    create_api_token(user=user, name="x", expires_in_days=1)
    create_api_token(user=user, name="x" * 64, expires_in_days=365)
    assert ApiToken.objects.count() == 2


def test_it_records_use_at_most_once_a_minute(user, django_assert_num_queries):
    token, raw = create_api_token(user=user, name="laptop")
    authenticate_api_token(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # the lookup only, no write
        authenticate_api_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    authenticate_api_token(raw)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(seconds=1)


def test_it_audits_creation_and_revocation_without_the_token(user):
    user.subject = Subject.objects.create()
    user.save()
    token, raw = create_api_token(user=user, name="Ada's laptop")
    revoke_api_token(token=token, actor=user)
    events = list(AuditEvent.objects.filter(action__startswith="api_token."))
    assert [e.action for e in events] == ["api_token.created", "api_token.revoked"]
    for event in events:
        assert event.subject_id == user.subject_id
        assert (event.object_type, event.object_id) == ("accounts.ApiToken", str(token.pk))
        assert event.actor_id == f"user:{user.pk}"
        text = str(event.details)
        assert raw.split("_", 2)[2] not in text
        assert token.digest not in text
        assert "Ada" not in text
    assert verify_chain().intact


def test_revoking_twice_records_one_event(user):
    token, _ = create_api_token(user=user, name="laptop")
    first = revoke_api_token(token=token, actor=user).revoked_at
    assert revoke_api_token(token=token, actor=SYSTEM).revoked_at == first
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_it_refuses_revocation_by_someone_else(user):
    token, raw = create_api_token(user=user, name="laptop")
    other = User.objects.create_user(username="eve", password="irrelevant-here")
    with pytest.raises(PermissionDenied):
        revoke_api_token(token=token, actor=other)
    assert authenticate_api_token(raw) == user
    admin = User.objects.create_superuser(username="root", password="irrelevant-here")
    revoke_api_token(token=token, actor=admin)
    assert authenticate_api_token(raw) is None


def test_it_writes_no_token_when_the_audit_fails(user, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "record_event", broken_audit)
    with pytest.raises(RuntimeError):
        create_api_token(user=user, name="laptop")
    assert not ApiToken.objects.exists()


def test_a_closed_accounts_tokens_stop_working():
    from clientvault.accounts.services.customers import change_status
    from tests.accounts.personas import OWNER_DETAILS, open_test_account

    person = open_test_account(username="closing", details=OWNER_DETAILS)
    _, raw = create_api_token(user=person.user, name="ci")
    assert authenticate_api_token(raw) == person.user
    change_status(customer=person.customer, to="closed", actor=None)
    assert authenticate_api_token(raw) is None


def _token_selects(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "accounts_apitoken" in q["sql"]
    ]


def test_revoking_them_all_locks_them_in_one_query_and_audits_each(user):
    made = [create_api_token(user=user, name=f"t{n}")[0] for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        count = services.revoke_all_api_tokens(user=user, actor=user, reason="test")
    assert count == 3
    selects = _token_selects(queries.captured_queries)
    assert len(selects) == 1
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in selects[0]
    assert set(ApiToken.objects.filter(revoked_at__isnull=False)) == set(made)
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 3


def test_revoking_them_all_can_spare_one(user):
    kept, _ = create_api_token(user=user, name="the caller")
    create_api_token(user=user, name="other")
    assert services.revoke_all_api_tokens(user=user, actor=user, reason="test", keep=kept) == 1
    assert ApiToken.objects.get(pk=kept.pk).revoked_at is None
