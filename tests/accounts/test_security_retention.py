"""The retention sweep ends sign-in history and sessions after the profile's periods (RET-1).

The periods are the policy profile's ``[retention]`` ``login_history`` (LoginEvent, by its time)
and ``sessions`` (UserSession by its last activity, the stored session by its expiry); rows a
day past their period go, rows a day short of it stay.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from clientvault.accounts.models import LoginEvent, StoredSession, UserSession, session_key_digest
from clientvault.accounts.sessionstore import SessionStore
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.retention import sweep_retention
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

NOW = timezone.now()


def login_event(user, days_ago):
    event = LoginEvent(
        user=user,
        subject=user.subject,
        at=NOW - timedelta(days=days_ago),
        outcome="success",
        ip_address="192.0.2.7",
        browser="Firefox 128 on Linux",
    )
    event.save()
    return event


def tracked_session(user, days_ago):
    """A stored session and its UserSession row, last used (and expired) ``days_ago`` ago."""
    store = SessionStore()
    store.create()
    digest = session_key_digest(store.session_key)
    at = NOW - timedelta(days=days_ago)
    StoredSession.objects.filter(key_digest=digest).update(expire_date=at)
    return UserSession.objects.create(
        user=user,
        subject=user.subject,
        key_digest=digest,
        ip_address="192.0.2.7",
        browser="Firefox 128 on Linux",
        created_at=at,
        last_seen_at=at,
    )


def test_it_deletes_sign_in_events_and_sessions_past_their_periods_and_keeps_younger(customer):
    periods = current_profile().retention
    history, sessions = periods["login_history"], periods["sessions"]
    user = customer.user
    login_event(user, history + 1)
    kept_event = login_event(user, history - 1)
    tracked_session(user, sessions + 1)
    kept_session = tracked_session(user, sessions - 1)
    sweep_retention(dry_run=False, now=NOW, actor=SystemActor("retention-test"))
    assert list(LoginEvent.objects.all()) == [kept_event]
    assert list(UserSession.objects.all()) == [kept_session]
    assert list(StoredSession.objects.values_list("key_digest", flat=True)) == [
        kept_session.key_digest
    ]
