"""Erasing a person closes their login and leaves nothing in the data database that names them.

The privacy kernel's erasure (``shred_subject``) runs ``close_erased_logins``, declared as
``on_erasure`` of ``accounts.User``; a sign-in for the erased login then answers exactly like a
wrong password, and no table holds the person's e-mail address, username or IP address in plain
text (a raw scan of every column of every table).
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from clientvault.accounts import throttle
from clientvault.accounts.models import (
    ApiToken,
    AuthenticatorDevice,
    CustomerStatus,
    CustomerStatusChange,
    LoginEvent,
    ThrottleBucket,
    User,
    UserSession,
)
from clientvault.accounts.services import create_api_token
from clientvault.accounts.services.customers import change_status
from clientvault.accounts.services.erasure import pseudonym
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.services.erasure import shred_subject
from tests.accounts import personas
from tests.accounts.personas import PASSWORD, add_authorised_user, make_staff

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

customer = personas.customer

LOGIN = reverse("accounts:login")
ERASER = SystemActor("test")
# Letters that are no hexadecimal digits, so no id or hash can contain them by chance.
ZELDA = {
    **personas.OUTSIDER_DETAILS,
    "given_name": "Zelda",
    "family_name": "Quirke",
    "email": "zelda.quirke@example.org",
}
ZELDA_USERNAME = "zelda.quirke"
ZELDA_ADDRESS = "198.51.100.177"


def attempt(client, username, password="wrong-password-here"):
    return client.post(LOGIN, {"username": username, "password": password})


def answer_text(response):
    """The page without its per-request parts (the CSRF token, the username typed back)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="username"[^>]*>', "", page)


def erase(person):
    return shred_subject(subject=person.subject_id, actor=ERASER, reason="request:1")


def test_a_sign_in_for_an_erased_login_answers_like_a_wrong_password(customer):
    erase(customer)
    wrong = answer_text(attempt(Client(), "nobody-at-all"))
    for typed, password in [
        ("ada", PASSWORD),
        ("ada", "wrong-password-here"),
        ("ada@example.com", PASSWORD),
        (pseudonym(customer.user), PASSWORD),
    ]:
        response = attempt(Client(), typed, password)
        assert response.status_code == 200, typed
        assert answer_text(response) == wrong, typed


def test_erasure_closes_the_login_and_ends_what_it_had(customer):
    browser = Client()
    assert attempt(browser, "ada", PASSWORD).status_code == 302
    create_api_token(user=customer.user, name="laptop")
    personas.add_authenticator(customer.user)
    attempt(Client(), "ada")  # a failure: history and a lockout count
    result = erase(customer)
    assert result.rows_closed > 0
    user = User.objects.get(pk=customer.user_id)
    assert (user.is_active, user.has_usable_password()) == (False, False)
    assert (user.username, user.last_login) == (pseudonym(user), None)
    for model in (UserSession, ApiToken, LoginEvent, AuthenticatorDevice):
        assert not model.objects.filter(user=user).exists(), model.__name__
    assert not ThrottleBucket.objects.filter(scope=throttle.LOGIN_LOCKOUT.scope).exists()
    assert browser.get(reverse("accounts:dashboard")).status_code == 302  # signed out


def test_erasing_again_changes_nothing_more(customer):
    erase(customer)
    again = erase(customer)
    assert (again.already_erased, again.rows_closed) == (True, 0)


def test_it_clears_status_reasons_once_no_one_on_the_account_is_left(customer):
    teammate = add_authorised_user(customer, username="tess", email="tess@example.com")
    staff = make_staff("support")
    change_status(customer=customer.customer, to=CustomerStatus.SUSPENDED, actor=staff, reason="r")
    erase(teammate)
    assert "r" in reasons()  # the owner is still there
    erase(customer)
    assert reasons() == {""}


def reasons():
    return set(CustomerStatusChange.objects.values_list("reason", flat=True))


# --- nothing left that names the person ---------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


def tables_naming(*needles: str) -> dict[str, list[str]]:
    """Every table of the data database with a cell holding one of ``needles`` (any case)."""
    connection = connections["default"]
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            cells = " ".join(_text(v) for row in cursor.fetchall() for v in row).casefold()
            named = [n for n in needles if n.casefold() in cells]
            if named:
                found[table] = named
    return found


def zelda_signs_in_and_out_and_fails_and_forgets():
    """Zelda's traces: failures by username and e-mail, a session, history, a token, a reset."""
    zelda = personas.open_test_account(username=ZELDA_USERNAME, details=ZELDA)
    browser = Client(REMOTE_ADDR=ZELDA_ADDRESS)
    for typed in (ZELDA_USERNAME, ZELDA["email"], ZELDA["email"].upper()):
        assert attempt(browser, typed).status_code == 200
    assert attempt(browser, ZELDA["email"], PASSWORD).status_code == 302
    create_api_token(user=zelda.user, name=f"token of {ZELDA['email']}")
    Client(REMOTE_ADDR=ZELDA_ADDRESS).post(
        reverse("accounts:password_reset"), {"identifier": ZELDA["email"]}
    )
    return zelda


def test_no_table_of_the_data_database_names_the_erased_person(customer):
    zelda = zelda_signs_in_and_out_and_fails_and_forgets()
    needles = (ZELDA["email"], ZELDA_USERNAME, ZELDA_ADDRESS)
    before = tables_naming(*needles)
    assert before.get("accounts_user") == [ZELDA_USERNAME]  # the scan sees what is there
    assert LoginEvent.objects.filter(user=zelda.user).count() == 4
    erase(zelda)
    assert tables_naming(*needles) == {}
    assert tables_naming("ada@example.com", "198.51.100") == {}  # nothing else in clear either
