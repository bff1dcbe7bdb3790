"""The client log (COL-7): the account's activity, for the customer, filtered and paginated."""

import pytest
from django.test import Client
from django.urls import reverse

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.accounts.services.clientlog import (
    log_client_event,
    log_for_user,
    on_record,
    person_of,
    plural,
    user_pk,
)
from clientvault.privacy import vault
from tests.accounts import personas

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer, teammate, outsider = personas.customer, personas.teammate, personas.outsider
LOG = reverse("accounts:client_log")


def log_of(person, query="") -> str:
    response = personas.sign_in(Client(), person.user).get(LOG + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_the_account_log_with_role_labels(customer):
    page = log_of(customer)
    assert ">Account opened</td>" in page
    assert ">Privacy policy accepted</td>" in page
    assert ">the account owner</td>" in page
    assert "Ada" not in page.split("<main", 1)[1]  # people are named by role, never by name


def test_it_filters_by_event(customer):
    page = log_of(customer, "?event=policy_accepted")
    assert "Privacy policy accepted" in page.split("<tbody>", 1)[1]
    assert "Account opened" not in page.split("<tbody>", 1)[1]
    assert "Show everything" in page


def test_a_filter_with_no_match_has_an_empty_state(customer):
    assert "No events of this kind." in log_of(customer, "?event=user_removed")


def test_an_unknown_filter_shows_everything(customer):
    assert ">Account opened</td>" in log_of(customer, "?event=nonsense")


def test_it_is_paginated_by_25(customer):
    for _ in range(30):
        log_client_event(
            customer=customer.customer, event=ClientLogEvent.LOGGED_IN, actor=customer.user
        )
    first = log_of(customer, "?event=logged_in")
    assert "Page 1 of 2" in first
    assert first.count(">Signed in</td>") == 25
    second = log_of(customer, "?event=logged_in&page=2")
    assert second.count(">Signed in</td>") == 5
    assert "event=logged_in&amp;page=1" in second  # the filter is kept across pages


def test_an_authorised_user_without_contacts_sees_only_entries_about_themselves(customer, teammate):
    log_client_event(
        customer=customer.customer,
        event=ClientLogEvent.LOGGED_IN,
        actor=teammate.user,
        person=teammate,
    )
    page = log_of(teammate)
    assert ">Signed in</td>" in page
    assert ">an authorised user</td>" in page
    assert ">Account opened</td>" not in page
    assert "concerns you" in page


def test_another_account_sees_none_of_it(customer, outsider):
    log_client_event(customer=customer.customer, event=ClientLogEvent.USER_INVITED, actor=None)
    assert ">Authorised user invited</td>" not in log_of(outsider)
    assert ClientLogEntry.objects.filter(customer=outsider.customer).count() == 2


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 sessions"), (1, "1 session"), (2, "2 sessions")]
)
def test_it_counts_in_words(count, text):
    assert plural(count, "session") == text


def test_a_vault_value_is_on_record_only_when_it_is_really_there():
    assert on_record("ada@example.com") == "ada@example.com"
    assert on_record(vault.ERASED) == on_record(vault.RESTRICTED) == on_record(None) == ""


def test_it_reads_the_login_id_of_an_actor_reference(customer):
    assert user_pk(f"user:{customer.user_id}") == customer.user_id
    assert user_pk("user:12") is None  # not a login id
    assert user_pk("system:retention") is None


def test_it_logs_a_logins_event_on_its_account_staff_or_online(customer):
    staff = personas.make_staff("support")
    log_for_user(user=customer.user, event=ClientLogEvent.LOGGED_IN, actor=customer.user)
    log_for_user(user=customer.user, event=ClientLogEvent.PASSWORD_RESET_REQUESTED, actor=staff)
    log_for_user(user=staff, event=ClientLogEvent.LOGGED_IN, actor=staff)  # staff: no account
    entries = ClientLogEntry.objects.filter(event__in=["logged_in", "password_reset_requested"])
    assert sorted(entries.values_list("event", "channel")) == [
        ("logged_in", "online"),
        ("password_reset_requested", "staff"),
    ]
    assert person_of(staff) is None
    assert person_of(customer.user) == customer
