# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and gateway_server)
"""Payment methods: added through the hosted form (read back server to server) or as a SEPA
mandate, made the default, removed; each audited and in the client log, and no token or IBAN
in plain text anywhere in the data database or the logs."""

from __future__ import annotations

import logging
import urllib.parse

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from clientvault.accounts.models import ClientLogEntry, ClientLogEvent
from clientvault.billing.errors import BillingError
from clientvault.billing.gateways.base import GatewayRefused
from clientvault.billing.gateways.testgateway import TestGateway
from clientvault.billing.models import (
    BillingAccount,
    MethodStatus,
    PaymentMethod,
    SetupSession,
    SetupSessionStatus,
)
from clientvault.billing.services.methods import (
    add_bank_account,
    card_number_in,
    finish_adding_method,
    remove_method,
    set_default_method,
    start_adding_method,
)
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.models import AuditEvent, Disclosure
from clientvault.privacy.reveal import reveal
from tests.accounts.personas import (  # noqa: F401
    add_authorised_user,
    customer,
    outsider,
    teammate,
)
from tests.billing.gateway_server import CARD_FORM, gateway_server, post_form  # noqa: F401
from tests.billing.plaintext import every_text_in_the_data_database

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

RETURN = "http://testserver/account/billing/methods/return"
CANCEL = "http://testserver/account/billing/methods"
IBAN = "DE89 3704 0044 0532 0130 00"
IBAN_COMPACT = "DE89370400440532013000"
CHARGING = SystemActor("billing.charging")


def start(person, kind="card"):
    return start_adding_method(
        person=person, kind=kind, return_url=RETURN, cancel_url=CANCEL, actor=person.user
    )


def session_id_sent(gateway_server) -> str:
    """clientvault's session id, as the gateway will give it back in the return address."""
    row = gateway_server.store.all("SELECT return_url FROM setup_sessions")[-1]
    query = urllib.parse.urlsplit(row["return_url"]).query
    return urllib.parse.parse_qs(query)["session"][0]


def add_card(person, gateway_server, number="4242424242424242", **form):
    url = start(person)
    assert post_form(url, {**CARD_FORM, "number": number, **form})[0] == 303
    return finish_adding_method(
        person=person, session_id=session_id_sent(gateway_server), actor=person.user
    )


def add_sepa(person, iban=IBAN):
    return add_bank_account(person=person, iban=iban, holder_name="Ada Lovelace", actor=person.user)


# --- the hosted form -----------------------------------------------------------------------


def test_starting_gives_the_hosted_form_and_a_return_address_with_our_session(
    customer, gateway_server
):
    url = start(customer)
    assert url.startswith(f"{gateway_server.url}/setup/seti_")
    session = SetupSession.objects.get()
    assert str(session.pk) == session_id_sent(gateway_server)
    assert (session.payer, session.kind, session.status) == (customer, "card", "open")
    assert session.reference == url.rsplit("/", 1)[1]
    event = AuditEvent.objects.get(action="billing.method.setup_started")
    assert event.details == {"kind": "card", "gateway": "test"}


def test_the_return_address_may_say_where_the_session_goes(customer, gateway_server):
    start_adding_method(
        person=customer,
        kind="card",
        return_url="http://testserver/back/{session_id}/done",
        cancel_url=CANCEL,
        actor=customer.user,
    )
    row = gateway_server.store.one("SELECT return_url FROM setup_sessions")
    assert row["return_url"] == f"http://testserver/back/{SetupSession.objects.get().pk}/done"


def test_the_card_is_kept_as_its_token_and_what_identifies_it(customer, gateway_server):
    method = add_card(customer, gateway_server)
    assert method.label == "Visa ending 4242"
    assert (method.kind, method.exp_month, method.exp_year) == ("card", 12, 2040)
    assert method.is_default
    assert method.payer == customer
    gateway_token = gateway_server.store.one("SELECT token FROM methods")["token"]
    assert reveal(method, "token", "payment_processing", CHARGING) == gateway_token
    assert reveal(method, "holder_name", "payment_processing", CHARGING) == "Ada Lovelace"
    session = SetupSession.objects.get()
    assert (session.status, session.method) == (SetupSessionStatus.COMPLETE, method)
    event = AuditEvent.objects.get(action="billing.method.added")
    assert event.details == {
        "kind": "card",
        "gateway": "test",
        "default": True,
        "session": str(session.pk),
    }
    entry = ClientLogEntry.objects.get(event=ClientLogEvent.PAYMENT_METHOD_ADDED)
    assert (entry.detail, entry.actor_label) == ("Visa ending 4242", "the account owner")


def test_coming_back_again_adds_nothing_more(customer, gateway_server):
    first = add_card(customer, gateway_server)
    again = finish_adding_method(
        person=customer, session_id=session_id_sent(gateway_server), actor=customer.user
    )
    assert again == first
    assert PaymentMethod.objects.count() == 1
    assert AuditEvent.objects.filter(action="billing.method.added").count() == 1


def test_coming_back_before_the_form_is_completed_adds_nothing(customer, gateway_server):
    start(customer)
    with pytest.raises(BillingError, match="secure form was not completed") as refused:
        finish_adding_method(
            person=customer, session_id=session_id_sent(gateway_server), actor=customer.user
        )
    assert refused.value.code == "incomplete"
    assert not PaymentMethod.objects.exists()


def test_the_second_method_is_not_the_default(customer, gateway_server):
    add_card(customer, gateway_server)
    second = add_card(customer, gateway_server, number="5555555555554444")
    assert second.label == "Mastercard ending 4444"
    assert not second.is_default


def test_a_wallet_is_approved_on_the_gateways_page(customer, gateway_server):
    url = start(customer, kind="wallet")
    assert post_form(url, {"email": "ada@example.com"})[0] == 303
    method = finish_adding_method(
        person=customer, session_id=session_id_sent(gateway_server), actor=customer.user
    )
    assert (method.kind, method.label, method.last4) == ("wallet", "Test Wallet", "")


def test_another_accounts_session_is_not_found(customer, outsider, gateway_server):
    url = start(customer)
    post_form(url, CARD_FORM)
    with pytest.raises(BillingError, match="not found"):
        finish_adding_method(
            person=outsider, session_id=session_id_sent(gateway_server), actor=outsider.user
        )
    with pytest.raises(BillingError, match="not found"):
        finish_adding_method(person=customer, session_id="not-a-uuid", actor=customer.user)
    assert not PaymentMethod.objects.exists()


def test_an_unreachable_gateway_changes_nothing(customer, settings):
    settings.TEST_GATEWAY_URL = "http://127.0.0.1:9"
    with pytest.raises(BillingError, match="could not be reached") as refused:
        start(customer)
    assert refused.value.code == "gateway_unavailable"
    assert not SetupSession.objects.exists()


@pytest.mark.parametrize("kind", ["sepa", "cash"])
def test_the_hosted_form_is_for_cards_and_wallets(customer, gateway_server, kind):
    with pytest.raises(BillingError) as refused:
        start(customer, kind=kind)
    assert refused.value.field == "kind"


def test_someone_without_the_billing_permission_cannot_add_a_method(customer, gateway_server):
    member = add_authorised_user(
        customer, username="nobill", email="nobill@example.com", permissions=["support"]
    )
    with pytest.raises(PermissionDenied):
        start(member)
    with pytest.raises(PermissionDenied):
        add_sepa(member)


# --- SEPA ------------------------------------------------------------------------------------


def test_a_sepa_mandate_keeps_the_token_and_the_last_four_digits(customer, gateway_server):
    method = add_sepa(customer)
    assert (method.kind, method.last4, method.label) == (
        "sepa",
        "3000",
        "SEPA Direct Debit ending 3000",
    )
    assert method.is_default
    mandate = Disclosure.objects.get(reference="SEPA Direct Debit mandate")
    assert mandate.categories == ["user.financial.bank_account", "user.name"]
    assert gateway_server.store.one("SELECT number FROM methods")["number"] == IBAN_COMPACT


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("", "Enter the IBAN"),
        ("DE89 3704 0044 0532 0130 01", "This IBAN is not valid"),
        ("DE89 3704", "This IBAN is not valid"),
        ("BR1800360305000010009795493C1", "not from a country of the SEPA scheme"),
    ],
)
def test_a_wrong_iban_is_refused_on_its_field_without_repeating_it(
    customer, gateway_server, iban, message
):
    with pytest.raises(BillingError, match=message) as refused:
        add_sepa(customer, iban=iban)
    assert refused.value.field == "iban"
    digits = iban.replace(" ", "")
    assert not digits or digits[4:] not in str(refused.value)
    error = refused.value  # carries no stdnum error, whose traceback might show the IBAN
    assert error.__cause__ is None
    assert error.__suppress_context__ or error.__context__ is None
    assert not PaymentMethod.objects.exists()
    assert not Disclosure.objects.filter(reference="SEPA Direct Debit mandate").exists()


def test_sepa_is_only_for_accounts_billed_in_euros(customer, gateway_server):
    BillingAccount.objects.create(customer=customer.customer, currency="GBP")
    with pytest.raises(BillingError, match="only for accounts billed in euros") as refused:
        add_sepa(customer)
    assert refused.value.field == "iban"
    assert gateway_server.store.all("SELECT token FROM methods") == []


@pytest.mark.parametrize(
    ("holder", "message"),
    [
        ("  ", "Enter the account holder's name"),
        ("Ada 4242 4242 4242 4242", "card numbers are entered only in the secure card form"),
        ("A" * 71, "at most 70 characters"),
    ],
)
def test_the_holder_name_is_checked(customer, gateway_server, holder, message):
    with pytest.raises(BillingError, match=message) as refused:
        add_bank_account(person=customer, iban=IBAN, holder_name=holder, actor=customer.user)
    assert refused.value.field == "holder_name"


def test_card_shaped_numbers_are_told_from_other_numbers():
    assert card_number_in("pay with 4242-4242-4242-4242 please")
    assert not card_number_in("4242 4242 4242 4241")  # fails the Luhn check
    assert not card_number_in("flat 12, 10117 Berlin")


def test_a_refused_bank_account_says_so_on_the_iban(customer, gateway_server, monkeypatch):
    def refuse(self, **kwargs):
        raise GatewayRefused("the payment gateway refused the bank account: no (invalid_iban)")

    monkeypatch.setattr(TestGateway, "attach_bank_account", refuse)
    with pytest.raises(BillingError, match="did not accept this bank account") as refused:
        add_sepa(customer)
    assert refused.value.field == "iban"
    assert not PaymentMethod.objects.exists()


# --- default and removal ---------------------------------------------------------------------


def test_another_method_can_be_made_the_default(customer, gateway_server):
    first = add_card(customer, gateway_server)
    second = add_sepa(customer)
    set_default_method(method=second, actor=customer.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    event = AuditEvent.objects.get(action="billing.method.default_set")
    assert event.details == {"previous": [first.pk]}
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.DEFAULT_PAYMENT_METHOD).exists()
    set_default_method(method=second, actor=customer.user)  # already: nothing more
    assert AuditEvent.objects.filter(action="billing.method.default_set").count() == 1


def test_removing_detaches_it_at_the_gateway_and_moves_the_default(customer, gateway_server):
    first = add_card(customer, gateway_server)
    second = add_sepa(customer)
    remove_method(method=first, actor=customer.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MethodStatus.REMOVED
    assert first.removed_at is not None
    assert (first.is_default, second.is_default) == (False, True)
    assert first.label == "Visa ending 4242"  # what paid past invoices stays readable
    assert reveal(first, "token", "payment_processing", CHARGING) == ""
    detached = gateway_server.store.all("SELECT kind, detached FROM methods ORDER BY created")
    assert detached == [{"kind": "card", "detached": 1}, {"kind": "sepa", "detached": 0}]
    event = AuditEvent.objects.get(action="billing.method.removed")
    assert event.details == {"was_default": True, "new_default": second.pk}
    assert ClientLogEntry.objects.filter(event=ClientLogEvent.PAYMENT_METHOD_REMOVED).exists()
    remove_method(method=first, actor=customer.user)  # again: nothing more
    assert AuditEvent.objects.filter(action="billing.method.removed").count() == 1


def test_a_removed_method_cannot_become_the_default(customer, gateway_server):
    method = add_card(customer, gateway_server)
    remove_method(method=method, actor=customer.user)
    with pytest.raises(BillingError, match="removed payment method"):
        set_default_method(method=method, actor=customer.user)


def test_an_authorised_user_may_remove_the_owners_card(customer, teammate, gateway_server):
    method = add_card(customer, gateway_server)
    remove_method(method=method, actor=teammate.user)
    method.refresh_from_db()
    assert method.status == MethodStatus.REMOVED
    entry = ClientLogEntry.objects.get(event=ClientLogEvent.PAYMENT_METHOD_REMOVED)
    assert entry.actor_label == "an authorised user"


def test_removing_while_the_gateway_is_unreachable_keeps_the_method(
    customer, gateway_server, settings
):
    method = add_card(customer, gateway_server)
    settings.TEST_GATEWAY_URL = "http://127.0.0.1:9"
    with pytest.raises(BillingError, match="could not be reached"):
        remove_method(method=method, actor=customer.user)
    method.refresh_from_db()
    assert (method.status, method.is_default) == (MethodStatus.ACTIVE, True)


# --- nothing in plain text -------------------------------------------------------------------


def test_the_data_database_and_the_logs_hold_no_token_or_iban(customer, gateway_server, caplog):
    caplog.set_level(logging.DEBUG)
    card = add_card(customer, gateway_server)
    add_sepa(customer)
    remove_method(method=card, actor=customer.user)
    tokens = [row["token"] for row in gateway_server.store.all("SELECT token FROM methods")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM billing_paymentmethod")
        raw_tokens = [row[0] for row in cursor.fetchall()]
    assert all(t not in raw for t in tokens for raw in raw_tokens)
    stored = every_text_in_the_data_database()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in [*tokens, IBAN_COMPACT, "0532013000", "4242424242424242"]:
        assert secret not in stored
        assert secret not in logged
