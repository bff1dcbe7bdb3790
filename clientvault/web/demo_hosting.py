"""The demo's hosting: services in every status, domains with distinct contacts, and the
registrar hand-overs that go with them.

- Every subscription the billing demo made becomes a service on the control panel (Carol's
  Shared hosting Pro and SSL certificate for carol-bakes.com; Orbit's dedicated server, CDN and
  backups for orbit-analytics.eu; Kai's VPS and backups for kai-mueller-photo.com).
- Carol registers carol-bakes.com with ID protection; Alex Rivera, the web developer who built
  her shop, is its technical contact (a person on no account). She also ran a VPS for an old
  shop and cancelled it: removed from the panel (terminated).
- Orbit registers orbit-analytics.eu for two years: Omar is the registrant, Nina the
  administrative and billing contact, Priya Natarajan of their hosting partner the technical
  one. Its transfer of old-code.net failed (the auth code had expired); staff suspended its
  dedicated server for a breach of the acceptable-use policy; it cancelled a legacy site whose
  removal waits because that panel server does not answer (cancelled, not yet terminated).
- Kai ordered Shared Starter with kai-photo.us and has not paid yet (pending).

Everything goes through hosting's services against the local test control panel and test
registrar, started in this process on free ports over the state files ``make run``'s servers
use (``TEST_PANEL_STATE``, ``TEST_REGISTRAR_STATE``), so the accounts and domains they hold are
those the pages show. Orders are paid by bank transfer, recorded by billing staff. Idempotent:
once a demo customer has a domain, nothing is done again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db.models import Count
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from clientvault.accounts.models import Person, User
from clientvault.accounts.services.customers import find_person_by_email
from clientvault.billing.models import InvoiceStatus, Subscription
from clientvault.billing.services.payments import record_manual_payment
from clientvault.hosting.models import (
    Domain,
    DomainStatus,
    HostingPlan,
    Order,
    Service,
    ServiceStatus,
    StatusReason,
)
from clientvault.hosting.services.calls import run_remote_call
from clientvault.hosting.services.catalogue import ensure_catalogue
from clientvault.hosting.services.contacts import (
    ContactInput,
    add_contact,
    assign_contacts,
    contact_for_person,
)
from clientvault.hosting.services.lifecycle import cancel_service, suspend_service
from clientvault.hosting.services.orders import OrderLine, adopt_subscription, place_order
from clientvault.testpanel import Config as PanelConfig
from clientvault.testpanel import start as start_panel
from clientvault.testpanel.panel import insert_account
from clientvault.testpanel.store import Store
from clientvault.testregistrar import Config as RegistrarConfig
from clientvault.testregistrar import start as start_registrar

ALEX = ContactInput(
    name="Alex Rivera",
    organisation="Rivera Web Studio",
    email="alex@rivera-web.example",
    phone="+44 20 7946 0321",
    address_line1="12 Canal Street",
    city="Manchester",
    postal_code="M1 3HE",
    country="GB",
)
PRIYA = ContactInput(
    name="Priya Natarajan",
    organisation="Devops Partners Ltd",
    email="priya@devops-partners.example",
    phone="+353 1 555 0142",
    address_line1="3 Harbour Square",
    city="Dublin",
    postal_code="D02 Y754",
    country="IE",
)
SITES = {
    "carol@example.com": "carol-bakes.com",
    "omar@orbit-analytics.example": "orbit-analytics.eu",
    "kai.mueller@example.de": "kai-mueller-photo.com",
}


@contextmanager
def demo_servers() -> Iterator[None]:
    """The test panel and registrar in this process, over ``make run``'s state files."""
    panel = start_panel(
        PanelConfig(key=settings.TEST_PANEL_KEY, quiet=True), state=settings.TEST_PANEL_STATE
    )
    registrar = start_registrar(
        RegistrarConfig(key=settings.TEST_REGISTRAR_KEY, quiet=True),
        state=settings.TEST_REGISTRAR_STATE,
    )
    try:
        with override_settings(TEST_PANEL_URL=panel.url, TEST_REGISTRAR_URL=registrar.url):
            yield
    finally:
        panel.stop()
        registrar.stop()


def _person(email: str) -> Person:
    found = find_person_by_email(email)
    if found is None:
        raise LookupError(f"the demo has no person with the address {email}")
    return found


def _run_calls() -> None:
    """The queued panel and registrar calls, sent now as the worker would."""
    for job in DBTaskResult.objects.ready().filter(task_path=run_remote_call.module_path):
        job.claim("demo")
        job.set_successful(run_remote_call.call(*job.task_result.args, **job.task_result.kwargs))


def _paid(order: Order, staff: User) -> Order:
    invoice = order.invoice
    assert invoice is not None
    invoice.refresh_from_db()
    if invoice.status in (InvoiceStatus.UNPAID, InvoiceStatus.OVERDUE):
        record_manual_payment(
            invoice=invoice, amount=invoice.balance_due, note="Bank transfer", actor=staff
        )
    _run_calls()
    return order


def _order(person: Person, *lines: OrderLine) -> Order:
    user = person.user
    assert user is not None
    return place_order(customer=person.customer, lines=list(lines), actor=user, channel="online")


def _plan(code: str) -> HostingPlan:
    return HostingPlan.objects.select_related("product").get(billing_plan__code=code)


def _adopt(person: Person, staff: User) -> None:
    """Each of the account's subscriptions gets its service, set up on the panel."""
    site = SITES[str(person.email)]
    subscriptions = Subscription.objects.filter(customer=person.customer, service__isnull=True)
    for subscription in subscriptions.select_related("price__plan__hosting_plan"):
        plan = getattr(subscription.price.plan, "hosting_plan", None)
        if plan is not None:
            adopt_subscription(subscription=subscription, plan=plan, domain=site, actor=staff)
    _run_calls()


def _carol(carol: Person, staff: User) -> None:
    user = carol.user
    assert user is not None
    _adopt(carol, staff)
    domain_line = OrderLine(domain="carol-bakes.com", domain_action="register", id_protection=True)
    order = _paid(_order(carol, domain_line), staff)
    domain = order.domains.get()
    alex = add_contact(customer=carol.customer, data=ALEX, actor=user)
    assign_contacts(domain=domain, roles={"tech": alex}, actor=user)
    old = _paid(
        _order(carol, OrderLine(plan=_plan("vps-small"), domain="carol-old-shop.com")), staff
    )
    cancel_service(service=old.services.get(), when="now", actor=user)
    _run_calls()


def _orbit(omar: Person, nina: Person, staff: User, support: User) -> None:
    user = omar.user
    assert user is not None
    _adopt(omar, staff)
    eu = OrderLine(domain="orbit-analytics.eu", domain_action="register", years=2)
    old = OrderLine(domain="old-code.net", domain_action="transfer", auth_code="EPP-expired-9")
    order = _order(omar, eu, old)
    domain = order.domains.get(name="orbit-analytics.eu")
    nina_contact = contact_for_person(person=nina, actor=user)
    priya = add_contact(customer=omar.customer, data=PRIYA, actor=user)
    roles = {"admin": nina_contact, "billing": nina_contact, "tech": priya}
    assign_contacts(domain=domain, roles=roles, actor=user)
    _paid(order, staff)
    dedicated = Service.objects.get(customer=omar.customer, plan__billing_plan__code="dedicated-e3")
    suspend_service(service=dedicated, reason=StatusReason.ABUSE, actor=support)
    _legacy(omar, user)
    _run_calls()


def _legacy(omar: Person, user: User) -> None:
    """A legacy site on a panel server that no longer answers: its removal keeps waiting."""
    service = Service.objects.create(
        customer=omar.customer,
        plan=_plan("shared-starter"),
        cycle="monthly",
        status=ServiceStatus.ACTIVE,
        domain="down-legacy.com",
        panel_username="downlega",
    )
    store = Store(settings.TEST_PANEL_STATE)
    with store.transaction() as db:
        insert_account(
            db, service_ref=service.reference, domain=service.domain, plan="shared-starter"
        )
    store.close()
    cancel_service(service=service, when="now", actor=user)


def _kai(kai: Person, staff: User) -> None:
    _adopt(kai, staff)
    line = OrderLine(plan=_plan("shared-starter"), domain="kai-photo.us", domain_action="register")
    _order(kai, line)  # not paid: the service and the domain wait (pending)


def load_hosting(*, staff: User, support: User) -> None:
    """The demo's hosting, once (``staff``: billing; ``support``: acceptable-use review)."""
    if Domain.objects.exists():
        return
    ensure_catalogue()
    carol, omar = _person("carol@example.com"), _person("omar@orbit-analytics.example")
    nina, kai = _person("nina@orbit-analytics.example"), _person("kai.mueller@example.de")
    with demo_servers():
        _carol(carol, staff)
        _orbit(omar, nina, staff, support)
        _kai(kai, staff)


def hosting_lines() -> list[str]:
    """The demo's services and domains by status, for ``clientvault demo --logins``."""
    services = dict(Service.objects.values_list("status").annotate(n=Count("pk")))
    if not services:
        return []
    domains = dict(Domain.objects.values_list("status").annotate(n=Count("pk")))
    said = ", ".join(f"{services.get(v, 0)} {label.lower()}" for v, label in ServiceStatus.choices)
    held = ", ".join(f"{domains.get(v, 0)} {label.lower()}" for v, label in DomainStatus.choices)
    return [f"Hosting: services {said}; domains {held}."]
