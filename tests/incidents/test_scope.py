# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""Scoping an incident from the access log: a compromised login, an API token, a window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientvault.accounts.services.tokens import create_api_token, revoke_api_token
from clientvault.incidents.models import AffectedSubject, How, ScopeKind, Status
from clientvault.incidents.services.scope import ScopeAsk, scope_incident
from clientvault.privacy.models import AuditEvent
from clientvault.privacy.services.access import record_access
from clientvault.privacy.services.audit import record_event
from tests.accounts.personas import customer, make_staff, outsider  # noqa: F401
from tests.incidents.helpers import an_incident, compromised, saw

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def handler():
    return make_staff("privacy_officer", username="handler")


def hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


def test_it_scopes_what_a_compromised_login_saw(handler, customer, outsider):
    login = compromised([customer])
    make_staff("support", username="honest")  # another login's accesses are not in scope
    incident = an_incident(handler)

    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="mallory")
    run = scope_incident(incident=incident, ask=ask, actor=handler)

    row = AffectedSubject.objects.get(incident=incident)
    assert row.subject_id == customer.subject_id
    assert row.how == How.SEEN
    assert {"user.name", "user.contact.phone_number", "user.contact.address"} <= set(row.categories)
    assert "user.financial.credit_card" not in row.categories  # only through a reveal
    assert run.actor_id == f"user:{login.pk}"
    assert run.subjects == 1
    assert run.events == 1
    assert incident.status == Status.SCOPED
    event = AuditEvent.objects.get(action="incident.scoped")
    assert event.details == {"kind": "login", "events": 1, "subjects": 1, "added": 1}


def test_a_reveal_maps_to_the_revealed_fields_category(handler, customer):
    login = make_staff("support", username="mallory")
    record_event(
        action="reveal",
        actor=login,
        subject_id=customer.subject_id,
        purpose="support",
        details={"model": "accounts.Person", "field": "email"},
    )
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="mallory")
    scope_incident(incident=incident, ask=ask, actor=handler)
    assert AffectedSubject.objects.get().categories == ["user.contact.email"]


def test_an_unknown_page_code_counts_as_could_have_seen(handler, customer):
    login = make_staff("support", username="mallory")
    saw(login, [customer], what="some.new_page")
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="mallory")
    scope_incident(incident=incident, ask=ask, actor=handler)
    row = AffectedSubject.objects.get()
    assert row.how == How.COULD_HAVE_SEEN
    assert "user.name" in row.categories


def test_scoping_again_widens_without_duplicates(handler, customer, outsider):
    login = compromised([customer])
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="mallory")
    scope_incident(incident=incident, ask=ask, actor=handler)
    saw(login, [customer, outsider], what="billing.invoice")
    scope_incident(incident=incident, ask=ask, actor=handler)
    rows = {r.subject_id: r for r in AffectedSubject.objects.filter(incident=incident)}
    assert set(rows) == {customer.subject_id, outsider.subject_id}
    assert "user.financial" in rows[customer.subject_id].categories


def test_it_scopes_an_api_token_over_its_life(handler, customer, outsider):
    login = make_staff("support", username="robot")
    saw(login, [outsider])  # before the token: out of scope
    AuditEvent.objects.filter(actor_id=f"user:{login.pk}").update(
        at=timezone.now() - dt.timedelta(minutes=30)
    )
    token, _ = create_api_token(user=login, name="script")
    saw(login, [customer])
    revoke_api_token(token=token, actor=login)
    incident = an_incident(handler)

    ask = ScopeAsk(kind=ScopeKind.TOKEN, since=hour_ago(), token=token.prefix)
    run = scope_incident(incident=incident, ask=ask, actor=handler)

    assert run.token_prefix == token.prefix
    assert run.actor_id == f"user:{login.pk}"
    assert list(AffectedSubject.objects.values_list("subject_id", flat=True)) == [
        customer.subject_id
    ]


def test_it_scopes_every_access_in_a_window(handler, customer, outsider):
    saw(make_staff("support", username="one"), [customer])
    saw(make_staff("billing", username="two"), [outsider], what="billing.account")
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.WINDOW, since=hour_ago(), until=timezone.now())
    scope_incident(incident=incident, ask=ask, actor=handler)
    assert AffectedSubject.objects.filter(incident=incident).count() == 2


def test_it_refuses_a_window_ending_before_it_starts(handler):
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.WINDOW, since=timezone.now(), until=hour_ago())
    with pytest.raises(ValidationError) as refused:
        scope_incident(incident=incident, ask=ask, actor=handler)
    assert "end after it starts" in str(refused.value)
    event = AuditEvent.objects.get(action="incident.refused")
    assert event.details == {"rule": "window_order"}
    assert not incident.scopes.exists()


def test_it_refuses_an_unknown_login(handler):
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="nobody")
    with pytest.raises(ValidationError) as refused:
        scope_incident(incident=incident, ask=ask, actor=handler)
    assert refused.value.message_dict == {"login": ["Login: no login has this username."]}


def test_it_refuses_an_unknown_token(handler):
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.TOKEN, since=hour_ago(), token="nosuchtoken")
    with pytest.raises(ValidationError):
        scope_incident(incident=incident, ask=ask, actor=handler)


def test_the_scope_reads_one_indexed_query_for_a_login(
    handler, customer, django_assert_max_num_queries
):
    login = compromised([customer])
    record_access(
        actor=login, subject_id=customer.subject_id, purpose="support", what="person.edit"
    )
    incident = an_incident(handler)
    ask = ScopeAsk(kind=ScopeKind.LOGIN, since=hour_ago(), login="mallory")
    with django_assert_max_num_queries(20):
        scope_incident(incident=incident, ask=ask, actor=handler)


def _token_made_and_revoked(hours_ago: float):
    login = make_staff("support", username="robot")
    token, _ = create_api_token(user=login, name="script")
    revoke_api_token(token=token, actor=login)
    AuditEvent.objects.filter(action__startswith="api_token.").update(
        at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    return token


def _refused_token(handler, ask):
    incident = an_incident(handler)
    with pytest.raises(ValidationError) as refused:
        scope_incident(incident=incident, ask=ask, actor=handler)
    assert list(refused.value.message_dict) == ["token"]
    assert "did not exist during this window" in str(refused.value)
    event = AuditEvent.objects.get(action="incident.refused")
    assert event.details == {"rule": "token_not_used_in_window"}
    assert not incident.scopes.exists()


def test_it_refuses_a_token_revoked_before_the_window_starts(handler):
    token = _token_made_and_revoked(hours_ago=3)
    _refused_token(handler, ScopeAsk(kind=ScopeKind.TOKEN, since=hour_ago(), token=token.prefix))


def test_it_refuses_a_token_created_after_the_window_ends(handler):
    login = make_staff("support", username="robot")
    token, _ = create_api_token(user=login, name="script")
    since, until = hour_ago() - dt.timedelta(hours=2), hour_ago()
    ask = ScopeAsk(kind=ScopeKind.TOKEN, since=since, until=until, token=token.prefix)
    _refused_token(handler, ask)
