"""A real card on the test gateway for a person (through the hosted form, as a browser would),
and an issued invoice for them, for the charging, webhook and dunning tests."""

from __future__ import annotations

import urllib.parse

from clientvault.accounts.models import Person
from clientvault.billing.models import Invoice, PaymentMethod
from clientvault.billing.services.methods import finish_adding_method, start_adding_method
from clientvault.testgateway import RunningGateway
from tests.billing.gateway_server import CARD_FORM, post_form
from tests.billing.support import issued

RETURN = "http://testserver/account/billing/methods/return"
CANCEL = "http://testserver/account/billing/methods"
DECLINED = "4000000000000002"
HANGING = "4000000000000119"


def real_card(
    person: Person, gateway: RunningGateway, number: str = "4242424242424242"
) -> PaymentMethod:
    url = start_adding_method(
        person=person, kind="card", return_url=RETURN, cancel_url=CANCEL, actor=person.user
    )
    status = post_form(url, {**CARD_FORM, "number": number})[0]
    assert status == 303, f"the hosted form refused the card ({status})"
    row = gateway.store.all("SELECT return_url FROM setup_sessions")[-1]
    session = urllib.parse.parse_qs(urllib.parse.urlsplit(row["return_url"]).query)["session"][0]
    return finish_adding_method(person=person, session_id=session, actor=person.user)


def an_invoice(person: Person, *amounts: int) -> Invoice:
    return issued(person, *(amounts or (1000,)))


def gateway_charges(gateway: RunningGateway) -> list[dict[str, object]]:
    return list(gateway.store.all("SELECT * FROM charges"))
