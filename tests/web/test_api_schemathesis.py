"""schemathesis against the API as served: /api/v1/openapi.json, fetched from the real app
through its WSGI handler, every check on, stateful sequences too, with a bounded number of
examples.

The API is called in-process through Django's WSGI handler, inside the test's transaction, as a
customer with a real personal API token (the owner of an account with a teammate on it) and
without any token. schemathesis sends what the schema allows (it must be answered without a
5xx, and accepted unless a rule the schema cannot say refuses it with 422: a telephone number
for the country, an address already taken) and what it forbids (it must be refused with a 4xx);
every answer must be one the schema documents, with the documented body and content type.
"""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha256
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from clientvault.accounts.models import ApiToken
from clientvault.accounts.services import authenticate_api_token, create_api_token
from tests.accounts.personas import customer, teammate  # noqa: F401
from tests.billing.rows import an_invoice
from tests.hosting.panel_server import panel_server  # noqa: F401
from tests.hosting.registrar_server import registrar_server  # noqa: F401
from tests.hosting.rows import a_domain, an_order

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SCHEMA_URL = "/api/v1/openapi.json"
EXAMPLES = 20  # per operation and phase: enough to find what is below, small enough to be quick
# Rules a JSON schema cannot state, refused with 422 although the body matches the schema.
BUSINESS_RULES = {
    "update_profile": "a telephone number or postal code valid for the country; a required field",
    "invite_user": "an address that is well formed and not already someone's login",
    "update_choices": "partner sharing only where the operator's policy offers it",
    "replace_choices": "partner sharing exactly where the operator's policy offers it",
    "create_privacy_request": "a correction names a field a request can correct, an objection "
    "what it stops, a person on the caller's account; only the owner erases a whole account",
    "confirm_privacy_request": "the code e-mailed to the address on record",
    "pay_invoice": "a payment method on the caller's account, and a charge the payment "
    "service accepts",
    "change_service_plan": "a plan of the service's own product, not smaller than its usage",
    "get_service_usage": "a period from 2000 to 2099 that does not end before it starts, of "
    "at most 366 days (by day) or 60 months (by month)",
    "place_order": "a plan on sale, a domain name valid by IDNA 2008 with an ending we sell, "
    "free at the registrar (or with an auth code to transfer it), years the registry allows",
    "set_domain_contact": "either a contact of the caller's account or a new contact, whose "
    "telephone number and postal code are valid for its country",
    "add_domain_contact": "a telephone number and postal code valid for the country",
    "update_domain_contact": "a telephone number and postal code valid for the country",
    "set_id_protection": "a registry that allows ID protection",
    "open_ticket": "a title and a message that are more than spaces; a service of the caller's "
    "account",
    "reply_to_ticket": "a message that is more than spaces",
}
ACCEPTED = ["2xx", "401", "403", "404", "409"]
CONFIG: dict[str, Any] = {
    "checks": {"enabled": True},
    "generation": {"max-examples": EXAMPLES},
    "phases": {"stateful": {"max-steps": 8}},
    "operations": [
        {
            "include-operation-id": operation_id,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        }
        for operation_id in BUSINESS_RULES
    ],
}
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TOKEN = "cv_schemathes_" + "s" * 43  # the customer's token while the tests run (see below)


def served_schema(**extra: Any) -> Any:
    config = schemathesis.Config.from_dict({**CONFIG, **extra})
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, WSGIHandler(), config=config)


as_customer = served_schema(auth={"openapi": {"ApiTokenAuth": {"bearer": TOKEN}}})
anonymous = served_schema()


@pytest.fixture
def servers(panel_server, registrar_server) -> None:  # noqa: F811
    """Both outside systems hosting calls, running."""


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep Django from closing the test's connection at each request, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def customer_token(in_test_transaction, customer, teammate, servers) -> str:  # noqa: F811
    """A real token of the customer, made by the service; its text is then set to TOKEN.

    schemathesis builds some cases when it collects the tests, before any fixture runs, so the
    token it sends has to be known then: the service's random text is replaced by a fixed one
    (its SHA-256 digest, which is all the database keeps of a token). The account has an
    invoice, a service, an order and a domain, so a sequence can follow a list to one of them;
    the local test control panel and test registrar answer what hosting asks them.
    """
    an_invoice(customer)
    an_order(customer)
    a_domain(customer)
    token, _ = create_api_token(user=customer.user, name="schemathesis")
    prefix = TOKEN.split("_")[1]
    ApiToken.objects.filter(pk=token.pk).update(
        prefix=prefix, digest=sha256(TOKEN.encode()).hexdigest()
    )
    assert authenticate_api_token(TOKEN) == customer.user
    return TOKEN


@as_customer.parametrize()
@SETTINGS
def test_the_api_as_a_customer_with_a_token(case, customer_token):
    response = case.call_and_validate()
    if (case.headers or {}).get("Authorization") == f"Bearer {customer_token}":
        assert response.status_code != 401  # the token is the customer's, and it works


@anonymous.parametrize()
@SETTINGS
def test_the_api_without_a_token(case, in_test_transaction):
    response = case.call_and_validate()
    declared = case.method.upper() == case.operation.method.upper()
    assert response.status_code == (401 if declared else 405)


def test_the_api_in_sequences_of_calls_as_a_customer(customer_token):
    """Stateful: calls chained through the links schemathesis infers (an id listed by one call
    used by the next), every check on each answer."""
    workflow = as_customer.as_state_machine()
    workflow.run(settings=settings(SETTINGS, max_examples=EXAMPLES, stateful_step_count=8))
