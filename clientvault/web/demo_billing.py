"""The demo's billing: plans, prices, subscriptions, payment methods, invoices in every status.

- The catalogue: shared hosting Starter and Pro, VPS Small and Medium, a dedicated server, and
  the add-ons (off-site backups, SSL certificate, CDN), each monthly and yearly, in euros.
- Carol (an individual in London: outside the EU, so no VAT) adds a Visa and a Mastercard in
  the test gateway's hosted form; the Visa, her default, expires next month, so the daily run
  sends her the "card expiring" notice. She pays three invoices with it: one stays paid, one is
  partly refunded, one wholly (refunded). A credit note on a paid invoice becomes account
  credit, which her next invoice spends (unpaid, its balance lowered). Staff have a draft
  ready for her upgrade, and cancelled an invoice issued by mistake.
- Orbit Analytics (an organisation): Omar added an Amex; Nina, who keeps the books at the
  Dublin office, is the billing contact with the company's Irish VAT number, so its invoices are
  reverse charged. She signed a SEPA Direct Debit mandate (the default) and paid the set-up
  invoice with it; a bank transfer paid part of the yearly VPS invoice. Its subscriptions are
  due today: the billing run invoices them.
- Kai (a consumer in Berlin: German VAT) saved a card that the test gateway declines for want
  of funds. His invoice fell due as many days ago as the profile's first reminder waits (3 by
  default; it was issued the payment terms before): the billing run marks it overdue, its charge
  is declined, and the first reminder goes out.

Everything goes through billing's services, as the pages and the daily job would: cards through
the gateway's hosted form, POSTed as a browser would (a card number reaches the gateway only),
the IBAN to the mandate service, which hands it to the gateway and keeps the token. The plans,
prices and subscriptions are rows, with the hosting catalogue's codes (the hosting demo gives each
subscription its service on the control panel); the
overdue invoice's dates are moved back after it is issued, before the billing run.

The test gateway runs in this process for the while, on a free port, with the state file
``testgateway serve`` uses (``TEST_GATEWAY_STATE``), so the tokens kept here are those the
gateway of ``make run`` knows; its webhooks go nowhere (no site is listening yet, and every
charge here is answered at once). Idempotent: once the demo customers have invoices, nothing
is done again (and no gateway is started).
"""

from __future__ import annotations

import datetime
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.models import Channel, Person, User
from clientvault.accounts.services.clientlog import on_record
from clientvault.accounts.services.customers import find_person_by_email, update_person
from clientvault.billing.jobs import run_billing
from clientvault.billing.models import (
    Cycle,
    Invoice,
    InvoiceStatus,
    MethodStatus,
    Payment,
    PaymentMethod,
    Plan,
    Price,
    Subscription,
)
from clientvault.billing.services.accounts import update_billing_details
from clientvault.billing.services.charging import pay_invoice_now
from clientvault.billing.services.invoices import (
    LineInput,
    cancel_invoice,
    create_invoice,
    issue_invoice,
)
from clientvault.billing.services.methods import (
    SESSION_PLACEHOLDER,
    add_bank_account,
    finish_adding_method,
    set_default_method,
    start_adding_method,
)
from clientvault.billing.services.payments import (
    issue_credit_note,
    record_manual_payment,
    refund_payment,
)
from clientvault.privacy.profile import current_profile
from clientvault.testgateway import Config, start

CURRENCY = "EUR"


@dataclass(frozen=True)
class Offer:
    code: str
    name: str
    description: str
    monthly: int  # minor units, before tax
    yearly: int


CATALOGUE = (
    Offer("shared-starter", "Shared hosting Starter", "One site, 10 GB, e-mail", 499, 4990),
    Offer("shared-pro", "Shared hosting Pro", "Unlimited sites, 100 GB, daily backups", 999, 9990),
    Offer("vps-small", "VPS Small", "2 vCPU, 4 GB RAM, 80 GB SSD", 1400, 14000),
    Offer("vps-medium", "VPS Medium", "4 vCPU, 8 GB RAM, 160 GB SSD", 2800, 28000),
    Offer("dedicated-e3", "Dedicated server", "8 cores, 64 GB RAM, 2 x 1 TB NVMe", 12900, 129000),
    Offer(
        "addon-backup",
        "Off-site backups",
        "Add-on: nightly copies in a second data centre",
        300,
        3000,
    ),
    Offer(
        "addon-ssl", "SSL certificate", "Add-on: an organisation-validated certificate", 150, 1500
    ),
    Offer(
        "addon-cdn", "CDN", "Add-on: a content delivery network in front of the sites", 500, 5000
    ),
)

# Test cards (clientvault/testgateway/cards.py): typed only into the gateway's hosted form.
VISA = "4242 4242 4242 4242"  # charges succeed
MASTERCARD = "5555 5555 5555 4444"  # charges succeed
AMEX = "3782 822463 10005"  # charges succeed
NO_FUNDS = "4000 0000 0000 9995"  # charges are declined: insufficient funds
CARDS = (VISA, MASTERCARD, AMEX, NO_FUNDS)
ORBIT_IBAN = "IE29 AIBK 9311 5212 3456 78"  # a SEPA mandate; its debits succeed
IBANS = (ORBIT_IBAN,)
ORBIT_VAT_NUMBER = "IE6388047V"  # valid in form (python-stdnum): reverse charge
NINA_OFFICE = {
    "address_line1": "Unit 4, Grand Canal Quay",
    "city": "Dublin",
    "postal_code": "D02 XY12",
    "country": "IE",
    "phone": "+44 161 496 0751",
}


# -- who is who ---------------------------------------------------------------------------------


def _person(email: str) -> Person:
    found = find_person_by_email(email)
    if found is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return found


def _user(person: Person) -> User:
    user = person.user
    assert user is not None, "a demo customer has a login"
    return user


@dataclass(frozen=True)
class People:
    carol: Person
    omar: Person
    nina: Person
    kai: Person


def _people() -> People:
    return People(
        carol=_person("carol@example.com"),
        omar=_person("omar@orbit-analytics.example"),
        nina=_person("nina@orbit-analytics.example"),
        kai=_person("kai.mueller@example.de"),
    )


def loaded(people: People) -> bool:
    customers = [people.carol.customer_id, people.omar.customer_id, people.kai.customer_id]
    return Invoice.objects.filter(customer_id__in=customers).exists()


# -- the catalogue and subscriptions -------------------------------------------------------------


def _catalogue() -> dict[tuple[str, str], Price]:
    prices: dict[tuple[str, str], Price] = {}
    for offer in CATALOGUE:
        plan, _ = Plan.objects.get_or_create(
            code=offer.code, defaults={"name": offer.name, "description": offer.description}
        )
        for cycle, amount in ((Cycle.MONTHLY, offer.monthly), (Cycle.ANNUALLY, offer.yearly)):
            price, _ = Price.objects.get_or_create(
                plan=plan, cycle=cycle, currency=CURRENCY, defaults={"amount": amount}
            )
            prices[(offer.code, cycle)] = price
    return prices


def _subscribe(person: Person, price: Price, next_invoice_on: datetime.date) -> None:
    Subscription.objects.create(
        customer=person.customer, price=price, next_invoice_on=next_invoice_on
    )


def _line(price: Price, what: str = "") -> LineInput:
    cycle = Cycle(price.cycle).label.lower()
    return LineInput(f"{price.plan.name} ({cycle}{what})", 1, price.amount)


# -- payment methods, as the customer adds them ---------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_hosted_form(url: str, form: dict[str, str]) -> str:
    """POST the gateway's hosted form as the payer's browser does; where it sends them back."""
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (the gateway's)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as answer:
            status, location = answer.status, str(answer.headers.get("Location", ""))
    except urllib.error.HTTPError as redirect:
        status, location = redirect.code, str(redirect.headers.get("Location", ""))
    if status != 303 or not location:
        raise RuntimeError(f"the test gateway's hosted form did not take the demo card ({status})")
    return location


def _expiry(months_ahead: int) -> str:
    today = timezone.localdate()
    year, month = divmod(today.month - 1 + months_ahead, 12)
    return f"{month + 1:02d}/{(today.year + year) % 100:02d}"


def _add_card(person: Person, number: str, expiry: str) -> PaymentMethod:
    """The card typed into the gateway's hosted form, then read back on the return page."""
    placeholder = str(uuid.UUID(int=0))
    back = settings.CLIENTVAULT_SITE_URL + reverse("billing:method_return", args=[placeholder])
    url = start_adding_method(
        person=person,
        kind="card",
        return_url=back.replace(placeholder, SESSION_PLACEHOLDER),
        cancel_url=settings.CLIENTVAULT_SITE_URL + reverse("billing:methods") + "?cancelled=1",
        actor=person.user,
    )
    line1, city, postal_code = (
        on_record(value) for value in (person.address_line1, person.city, person.postal_code)
    )
    country = person.country
    returned = _post_hosted_form(
        url,
        {
            "number": number,
            "expiry": expiry,
            "cvc": "1234" if number == AMEX else "123",
            "name": person.display_name,
            "address_line1": line1,
            "address_line2": "",
            "city": city,
            "postal_code": postal_code,
            "country": country,
        },
    )
    session_id = urllib.parse.urlsplit(returned).path.rstrip("/").rsplit("/", 1)[-1]
    return finish_adding_method(person=person, session_id=session_id, actor=person.user)


@contextmanager
def demo_gateway() -> Iterator[str]:
    """The test gateway, in this process, over ``TEST_GATEWAY_STATE``; its address meanwhile.

    A free port, not ``TEST_GATEWAY_URL``'s: the port is stored nowhere (only the gateway's
    references and tokens are), and the gateway of a running ``make run`` keeps its own.
    """
    running = start(
        Config(
            secret=settings.TEST_GATEWAY_SECRET,
            merchant=current_profile().operator_name,
            quiet=True,
        ),
        state=settings.TEST_GATEWAY_STATE,
    )
    try:
        with override_settings(PAYMENT_GATEWAY="test", TEST_GATEWAY_URL=running.url):
            yield running.url
    finally:
        running.stop()


# -- the customers' billing -----------------------------------------------------------------------


def _issued(person: Person, lines: list[LineInput], staff: User) -> Invoice:
    draft = create_invoice(customer=person.customer, lines=lines, actor=staff)
    return issue_invoice(invoice=draft, actor=staff)


def _paid_by(method: PaymentMethod, person: Person, invoice: Invoice) -> Payment:
    """The customer's "Pay now" with the method."""
    return pay_invoice_now(invoice=invoice, method=method, actor=_user(person))


def _carol(carol: Person, prices: dict[tuple[str, str], Price], staff: User) -> None:
    today = timezone.localdate()
    visa = _add_card(carol, VISA, _expiry(1))  # her first method: the default
    _add_card(carol, MASTERCARD, _expiry(40))
    pro, ssl = prices[("shared-pro", Cycle.MONTHLY)], prices[("addon-ssl", Cycle.ANNUALLY)]
    cdn, backups = prices[("addon-cdn", Cycle.MONTHLY)], prices[("addon-backup", Cycle.ANNUALLY)]
    _subscribe(carol, pro, today + datetime.timedelta(days=30))
    _subscribe(carol, ssl, today + datetime.timedelta(days=330))
    paid = _issued(carol, [_line(pro, ", last month")], staff)
    _paid_by(visa, carol, paid)
    partly = _issued(carol, [_line(ssl), _line(cdn)], staff)
    charge = _paid_by(visa, carol, partly)
    refund_payment(
        payment=charge, amount=cdn.amount, reason="CDN not set up this month", actor=staff
    )
    wholly = _issued(carol, [_line(backups)], staff)
    charge = _paid_by(visa, carol, wholly)
    refund_payment(payment=charge, amount=charge.amount, reason="Ordered by mistake", actor=staff)
    issue_credit_note(
        invoice=paid, amount=300, reason="Two hours of downtime on 3 June", actor=staff
    )
    _issued(carol, [_line(pro, ", this month")], staff)  # spends the credit: unpaid, less due
    mistake = _issued(carol, [_line(ssl)], staff)
    cancel_invoice(invoice=mistake, reason="The certificate was already billed", actor=staff)
    upgrade = prices[("vps-small", Cycle.MONTHLY)]
    create_invoice(customer=carol.customer, lines=[_line(upgrade, ", upgrade")], actor=staff)


def _orbit(omar: Person, nina: Person, prices: dict[tuple[str, str], Price], staff: User) -> None:
    today = timezone.localdate()
    _add_card(omar, AMEX, _expiry(30))  # the account's first method: the default for now
    update_person(person=nina, changes=NINA_OFFICE, actor=nina.user, channel=Channel.ONLINE)
    update_billing_details(
        customer=nina.customer, contact=nina, vat_number=ORBIT_VAT_NUMBER, actor=_user(nina)
    )
    sepa = add_bank_account(
        person=nina, iban=ORBIT_IBAN, holder_name="Orbit Analytics Ltd", actor=nina.user
    )
    set_default_method(method=sepa, actor=nina.user)
    for code in ("dedicated-e3", "addon-cdn", "addon-backup"):
        _subscribe(omar, prices[(code, Cycle.MONTHLY)], today)  # the billing run invoices them
    setup = _issued(nina, [LineInput("Dedicated server set-up", 1, 4900)], staff)
    _paid_by(sepa, nina, setup)
    yearly = _issued(nina, [_line(prices[("vps-medium", Cycle.ANNUALLY)])], staff)
    record_manual_payment(
        invoice=yearly, amount=10000, note="Bank transfer, first instalment", actor=staff
    )


def _kai(kai: Person, prices: dict[tuple[str, str], Price], staff: User) -> None:
    today = timezone.localdate()
    _add_card(kai, NO_FUNDS, _expiry(24))
    vps, backups = prices[("vps-small", Cycle.MONTHLY)], prices[("addon-backup", Cycle.MONTHLY)]
    _subscribe(kai, vps, today + datetime.timedelta(days=11))
    _subscribe(kai, backups, today + datetime.timedelta(days=11))
    late = _issued(kai, [_line(vps), _line(backups)], staff)
    _move_back(late, due_days_ago=days_late())
    twice = _issued(kai, [_line(prices[("addon-ssl", Cycle.ANNUALLY)])], staff)
    cancel_invoice(invoice=twice, reason="Ordered twice", actor=staff)


def days_late() -> int:
    """How late Kai's invoice is: the profile's first reminder is due, no later step."""
    rules = current_profile().billing
    return min(rules.reminder_days, default=max(rules.suspend_after_days - 1, 1))


def _move_back(invoice: Invoice, *, due_days_ago: int) -> None:
    """Due ``due_days_ago`` days ago, and issued its payment terms before that (the demo's
    past): its dates, moved back together."""
    assert invoice.issued_at is not None
    assert invoice.due_on is not None
    shift = invoice.due_on - (timezone.localdate() - datetime.timedelta(days=due_days_ago))
    Invoice.objects.filter(pk=invoice.pk).update(
        created_at=invoice.created_at - shift,
        issued_at=invoice.issued_at - shift,
        due_on=invoice.due_on - shift,
    )


def load_billing(*, staff: User) -> None:
    """The demo's billing, once (``staff`` is the billing role's login)."""
    people = _people()
    if loaded(people):
        return
    prices = _catalogue()
    with demo_gateway():
        _kai(people.kai, prices, staff)  # first: his late invoice was issued before the others
        _carol(people.carol, prices, staff)
        _orbit(people.omar, people.nina, prices, staff)
        run_billing(today=timezone.localdate())  # the daily job, as the worker runs it


# -- for ``clientvault demo --logins`` ------------------------------------------------------------


def billing_lines() -> list[str]:
    """The demo's invoices by status, where payments go, and the card about to expire."""
    counts = dict(Invoice.objects.values_list("status").annotate(n=Count("pk")))
    if not counts:
        return []
    statuses = ", ".join(
        f"{counts.get(value, 0)} {label.lower()}" for value, label in InvoiceStatus.choices
    )
    lines = [
        f"Billing: invoices {statuses}; billing staff sign in as bea.billing.",
        f"Payments go to the test gateway at {settings.TEST_GATEWAY_URL}: cards are typed only "
        "in its form (the Visa ending 4242 is charged; every test card is in "
        "clientvault/testgateway/cards.py).",
    ]
    announced = PaymentMethod.objects.filter(
        status=MethodStatus.ACTIVE, expiry_notice_sent_on__isnull=False
    ).select_related("customer", "payer")
    for method in announced.order_by("pk"):
        lines.append(
            f"  {method.label} of account {method.customer.number} expires {method.expires}: "
            "its holder was sent the expiry notice."
        )
    return lines
