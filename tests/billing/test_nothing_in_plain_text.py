# ruff: noqa: F811  (pytest fixtures imported from tests.billing.gateway_server)
"""Done when: "the raw data database and the logs hold no card number, token or IBAN in plain
text after the demo and tests".

- The demo, as ``make run`` runs it: ``clientvault demo`` in a process of its own (its own var
  directory, a SQLite file), then the test gateway served as ``make run`` serves it, over the
  same state, while the demo runs again, prints its logins, the worker sends the mail and a
  customer pays through it. The raw bytes of every file the site wrote (the data database, the
  key store, their journals, the mailbox) and everything every process printed are searched for
  every test card number the demo typed (with and without spaces), every token the gateway
  handed out (read from the gateway's own state, which holds them as a provider does) and the
  IBAN (compact and spaced).
- A whole payment flow in this process, on the test database (SQLite, or PostgreSQL when
  ``DATABASE_URL`` says): a card through the hosted form, a SEPA mandate, charges, a charge
  settled by its webhook, a refund, the webhooks received, a method removed; then every value of
  every table and every log record.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from clientvault.billing.errors import PaymentFailed
from clientvault.billing.models import InvoiceStatus, PaymentStatus, WebhookEvent
from clientvault.billing.services.charging import pay_invoice_now
from clientvault.billing.services.methods import add_bank_account, remove_method
from clientvault.billing.services.payments import refund_payment
from clientvault.testgateway.webhooks import SIGNATURE_HEADER
from clientvault.web.demo_billing import CARDS, IBANS
from tests.billing.charging_support import HANGING, an_invoice, real_card
from tests.billing.gateway_server import (  # noqa: F401
    running_gateway,
    webhook_receiver,
)
from tests.billing.plaintext import every_text_in_the_data_database, found_in, spellings
from tests.cli import CLIENTVAULT, REPO, clientvault, development_env, migrated, migrated_var

__all__ = ["migrated", "migrated_var"]  # fixtures

GATEWAY_STATE = "testgateway.sqlite3"
PAY_NOW = """
from clientvault.billing.models import Invoice, PaymentMethod
from clientvault.billing.services.charging import pay_invoice_now
invoice = Invoice.objects.filter(status="unpaid", customer__people__user__username="carol").get()
method = PaymentMethod.objects.get(customer=invoice.customer, is_default=True)
print(pay_invoice_now(invoice=invoice, method=method, actor=method.payer.user).status)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 90.0) -> None:
    """Until the gateway answers (it starts Django first, slow on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the test gateway did not come up at {url} (exit {process.poll()})")


def tokens_in_gateway_state(state: Path) -> list[str]:
    with sqlite3.connect(state) as db:
        return [row[0] for row in db.execute("SELECT token FROM methods")]


def files_the_site_wrote(var: Path) -> dict[str, bytes]:
    """Every file under the var directory but the test gateway's own state (the provider's)."""
    return {
        str(path.relative_to(var)): path.read_bytes()
        for path in sorted(var.rglob("*"))
        if path.is_file() and not path.name.startswith(GATEWAY_STATE)
    }


def test_the_demo_leaves_no_card_number_token_or_iban_in_the_database_or_the_logs(migrated):
    url = f"http://127.0.0.1:{free_port()}"
    env = development_env(migrated, CLIENTVAULT_TEST_GATEWAY_URL=url)
    printed = []
    loaded = clientvault(env, "demo")
    assert loaded.returncode == 0, loaded.stderr
    printed += [loaded.stdout, loaded.stderr]
    gateway = subprocess.Popen(  # as make run starts it
        [CLIENTVAULT, "testgateway", "serve", "--webhook-url", ""],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(url, gateway)
        # again, its logins, and the worker (mail to the mailbox, the daily jobs) as in make run
        for args in (("demo",), ("demo", "--logins"), ("worker", "--batch", "--interval=0")):
            ran = clientvault(env, *args)
            assert ran.returncode == 0, ran.stderr
            printed += [ran.stdout, ran.stderr]
        paid = clientvault(env, "shell", "-c", PAY_NOW)  # Carol's "Pay now", through it
    finally:
        gateway.terminate()
        served = gateway.communicate(timeout=20)
    assert paid.returncode == 0, paid.stderr
    assert "succeeded" in paid.stdout
    assert "POST /v1/charges 200" in served[1]  # the gateway's own log, searched too
    printed += [paid.stdout, paid.stderr, *served]

    state = migrated / GATEWAY_STATE
    tokens = tokens_in_gateway_state(state)
    assert len(tokens) == 5
    secrets = spellings(cards=CARDS, ibans=IBANS, tokens=tokens)
    provider = state.read_bytes()
    assert set(found_in(provider, tokens)) == set(tokens)  # the search finds what is there
    assert found_in(provider, [c.replace(" ", "") for c in CARDS])  # the provider's side

    written = files_the_site_wrote(migrated)
    assert "clientvault.sqlite3" in written
    assert any(name.startswith("mail/") for name in written)
    for name, content in written.items():
        assert found_in(content, secrets) == [], name
    assert found_in("\n".join(printed), secrets) == []


# --- a whole flow, in this process ------------------------------------------------------------

SEPA = "DE89 3704 0044 0532 0130 00"


def deliver(client, received) -> list[str]:
    """Post each webhook the gateway sent to the site's endpoint, as it came; the outcomes."""
    outcomes = []
    for delivery in received:
        answer = client.post(
            reverse("billing:webhook", args=["test"]),
            delivery.body,
            content_type="application/json",
            HTTP_TESTGATEWAY_SIGNATURE=delivery.headers[SIGNATURE_HEADER],
        )
        assert answer.status_code == 200, answer.content
        outcomes.append(answer.json()["outcome"])
    return outcomes


@pytest.mark.django_db(databases=["default", "keys"])
def test_a_whole_payment_flow_leaves_none_in_any_table_or_log(
    customer, staff, settings, client, webhook_receiver, caplog
):
    caplog.set_level(logging.DEBUG)
    with running_gateway(
        secret=settings.TEST_GATEWAY_SECRET, webhook_url=webhook_receiver.url
    ) as gateway:
        settings.PAYMENT_GATEWAY, settings.TEST_GATEWAY_URL = "test", gateway.url
        card = real_card(customer, gateway)
        hanging = real_card(customer, gateway, HANGING)
        sepa = add_bank_account(
            person=customer, iban=SEPA, holder_name="Ada Lovelace", actor=customer.user
        )
        payer = customer.user
        paid = pay_invoice_now(invoice=an_invoice(customer, 3000), method=card, actor=payer)
        pay_invoice_now(invoice=an_invoice(customer, 1200), method=sepa, actor=payer)
        refund_payment(payment=paid, amount=1000, reason="Goodwill", actor=staff("billing"))
        settings.PAYMENT_GATEWAY_TIMEOUT = 0.5
        late = an_invoice(customer, 800)
        with pytest.raises(PaymentFailed):
            pay_invoice_now(invoice=late, method=hanging, actor=payer)
        settings.PAYMENT_GATEWAY_TIMEOUT = 10
        received = webhook_receiver.wait_for(4)  # three charges and a refund
        remove_method(method=card, actor=customer.user)
        tokens = [str(row["token"]) for row in gateway.store.all("SELECT token FROM methods")]
    outcomes = deliver(client, received)
    assert "settled" in outcomes  # the timed-out charge, settled by its webhook
    late.refresh_from_db()
    assert late.status == InvoiceStatus.PAID
    assert late.payments.get().status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.count() == len(received) == 4
    assert len(tokens) == 3

    secrets = spellings(cards=["4242 4242 4242 4242", HANGING], ibans=[SEPA], tokens=tokens)
    assert found_in(every_text_in_the_data_database(), secrets) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert found_in(logged, secrets) == []
