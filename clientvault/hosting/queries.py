"""What the customer area's hosting pages read: lists, one object through its owner, the
catalogue with prices in the account's currency, the contacts a domain may name, the cards.

Every object is found through the signed-in person's own account (another account's answers
404). Nothing here writes: a page that changes something calls a service.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from clientvault.accounts.dashboard import register_card_source
from clientvault.accounts.models import Permission, Person, PersonRole
from clientvault.billing.models import BillingAccount, Cycle, Price, format_amount
from clientvault.hosting.models import (
    HELD_STATUSES,
    LIVE_STATUSES,
    Domain,
    DomainContact,
    DomainEvent,
    DomainStatus,
    HostingPlan,
    Order,
    OrderStatus,
    Product,
    Service,
    ServiceStatus,
    ServiceStatusChange,
)
from clientvault.hosting.registrars.registry import current_registrar
from clientvault.hosting.services.catalogue import DOMAIN_PLAN_PREFIX, plans_on_sale
from clientvault.privacy.profile import current_profile

PAGE_SIZE = 25
EXPIRING_DAYS = 60  # the dashboard lists domains that expire within this many days


# -- services --------------------------------------------------------------------------------------


def services_of(customer_id: uuid.UUID) -> QuerySet[Service]:
    return Service.objects.filter(customer_id=customer_id).select_related(
        "plan__billing_plan", "plan__product", "order__invoice__series"
    )


def own_service(person: Person, reference: str) -> Service:
    service = services_of(person.customer_id).filter(reference=reference).first()
    if service is None:
        raise Http404("no such service")
    return service


def service_history(service: Service) -> QuerySet[ServiceStatusChange]:
    return service.history.all()


def unpaid_order(service: Service) -> Order | None:
    """The order still waiting for payment that made this pending service, if any."""
    order = service.order
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT or order.invoice is None:
        return None
    return order


# -- domains ---------------------------------------------------------------------------------------


def domains_of(customer_id: uuid.UUID) -> QuerySet[Domain]:
    return Domain.objects.filter(customer_id=customer_id).select_related(
        "registrant", "admin", "tech", "billing"
    )


def own_domain(person: Person, name: str) -> Domain:
    """The account's domain by name: the one it holds now, else the newest it held."""
    found = list(domains_of(person.customer_id).filter(name=name).order_by("-created_at"))
    held = [domain for domain in found if domain.status in HELD_STATUSES]
    if not found:
        raise Http404("no such domain")
    return (held or found)[0]


def own_domain_contact(domain: Domain, pk: uuid.UUID) -> DomainContact:
    """One of the domain's four contacts; 404 for any other."""
    if pk not in {domain.registrant_id, domain.admin_id, domain.tech_id, domain.billing_id}:
        raise Http404("not a contact of this domain")
    return DomainContact.objects.select_related("person").get(pk=pk, customer=domain.customer_id)


def domain_history(domain: Domain) -> QuerySet[DomainEvent]:
    return domain.events.all()


def open_renewal(domain: Domain) -> Order | None:
    return (
        Order.objects.filter(renew_domain=domain, status=OrderStatus.AWAITING_PAYMENT)
        .select_related("invoice__series")
        .first()
    )


def account_domain_names(customer_id: uuid.UUID) -> list[str]:
    """The account's domains that a new plan may serve (held now), as people read them."""
    held = domains_of(customer_id).filter(status__in=HELD_STATUSES)
    return [domain.display_name for domain in held]


# -- contacts a domain may name --------------------------------------------------------------------


@dataclass(frozen=True)
class ContactOption:
    """One choice for a role: an existing contact, or a person on the account without one yet."""

    value: str  # "contact:<uuid>" or "person:<uuid>"
    label: str
    contact: DomainContact | None = None
    person: Person | None = None


def _person_kind(person: Person) -> str:
    return "account owner" if person.role == PersonRole.OWNER else "authorised user"


def contact_label(contact: DomainContact) -> str:
    """ "Ada Lovelace, ada@example.com (account owner)": who a contact is, for people."""
    who = str(contact.name or contact.organisation or "A contact")
    kind = _person_kind(contact.person) if contact.person else "outside contact"
    return f"{who}, {contact.email} ({kind})"


def contact_options(customer_id: uuid.UUID) -> list[ContactOption]:
    contacts = list(DomainContact.objects.filter(customer_id=customer_id).select_related("person"))
    options = [ContactOption(f"contact:{c.pk}", contact_label(c), contact=c) for c in contacts]
    copied = {c.person_id for c in contacts if c.person_id}
    people = Person.objects.filter(customer_id=customer_id).exclude(pk__in=copied)
    for person in people.order_by("-role", "created_at"):
        label = f"{person.display_name or 'A person'}, {person.email} ({_person_kind(person)})"
        options.append(ContactOption(f"person:{person.pk}", label, person=person))
    return options


def account_owner(customer_id: uuid.UUID) -> Person:
    return Person.objects.select_related("customer").get(
        customer_id=customer_id, role=PersonRole.OWNER
    )


# -- the catalogue, priced -----------------------------------------------------------------------


def account_currency(customer_id: uuid.UUID) -> str:
    """The currency the account is invoiced in: its billing settings', or (before its first
    invoice makes them) the profile's, as ``billing_account_for`` will make them."""
    account = BillingAccount.objects.filter(customer_id=customer_id).first()
    return account.currency if account is not None else current_profile().billing.currency


@dataclass(frozen=True)
class PlanOffer:
    plan: HostingPlan
    prices: tuple[tuple[str, str], ...]  # (cycle label, "EUR 9.99"), in cycle order

    @property
    def summary(self) -> str:
        size = f"{disk_text(self.plan.disk_mb)} disk; " if self.plan.disk_mb else ""
        return size + ", ".join(f"{amount} {label.lower()}" for label, amount in self.prices)


@dataclass(frozen=True)
class ProductOffer:
    product: Product
    plans: tuple[PlanOffer, ...]


def disk_text(megabytes: int) -> str:
    if megabytes >= 1_000_000:
        return f"{megabytes / 1_000_000:g} TB"
    if megabytes >= 1_000:
        return f"{megabytes / 1_000:g} GB"
    return f"{megabytes} MB"


def _prices(plans: Iterable[HostingPlan], currency: str) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    rows = Price.objects.filter(plan__hosting_plan__in=list(plans), currency=currency)
    for plan_id, cycle, amount in rows.values_list("plan_id", "cycle", "amount"):
        found.setdefault(plan_id, {})[cycle] = amount
    return found


def plan_offer(plan: HostingPlan, amounts: dict[str, int], currency: str) -> PlanOffer:
    prices = tuple(
        (str(Cycle(cycle).label), format_amount(amounts[cycle], currency))
        for cycle in Cycle.values
        if cycle in amounts
    )
    return PlanOffer(plan, prices)


def product_offers(currency: str) -> list[ProductOffer]:
    """The plans on sale with their prices per cycle, grouped by product, in catalogue order."""
    plans = plans_on_sale()
    plans.sort(key=lambda p: (p.product.position, p.product.name, p.rank))
    prices = _prices(plans, currency)
    offers: dict[int, list[PlanOffer]] = {}
    products: dict[int, Product] = {}
    for plan in plans:
        amounts = prices.get(plan.billing_plan_id, {})
        if amounts:
            products[plan.product_id] = plan.product
            offers.setdefault(plan.product_id, []).append(plan_offer(plan, amounts, currency))
    return [ProductOffer(products[pk], tuple(found)) for pk, found in offers.items()]


def other_plans(service: Service, currency: str) -> list[PlanOffer]:
    """The plans the service may move to: its product's other plans on sale, smallest first."""
    plans = [
        p
        for p in plans_on_sale()
        if p.product_id == service.plan.product_id and p.pk != service.plan_id
    ]
    plans.sort(key=lambda p: p.rank)
    prices = _prices(plans, currency)
    return [
        PlanOffer(plan, _one_cycle(prices.get(plan.billing_plan_id, {}), service.cycle, currency))
        for plan in plans
        if service.cycle in prices.get(plan.billing_plan_id, {})
    ]


def _one_cycle(amounts: dict[str, int], cycle: str, currency: str) -> tuple[tuple[str, str], ...]:
    return ((str(Cycle(cycle).label), format_amount(amounts[cycle], currency)),)


@dataclass(frozen=True)
class Ending:
    tld: str
    price: str  # a year, "EUR 12.00"


def domain_endings(currency: str) -> list[Ending]:
    """The endings sold here, with the price of a year, in alphabetical order."""
    rows = Price.objects.filter(
        plan__code__startswith=DOMAIN_PLAN_PREFIX,
        plan__is_active=True,
        cycle=Cycle.ANNUALLY,
        currency=currency,
    ).values_list("plan__code", "amount")
    endings = [
        Ending(code.removeprefix(DOMAIN_PLAN_PREFIX), format_amount(amount, currency))
        for code, amount in rows
    ]
    return sorted(endings, key=lambda e: e.tld)


def domain_year_price(domain: Domain, currency: str) -> str:
    found = [e.price for e in domain_endings(currency) if e.tld == domain.tld]
    return found[0] if found else ""


# -- the registrar's own site ----------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSite:
    label: str
    url: str


def registrar_site() -> PartnerSite:
    """The registrar in use and its website (the test registrar's: where it listens)."""
    return PartnerSite(current_registrar().label, f"{settings.TEST_REGISTRAR_URL}/")


# -- the dashboard's cards -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Expiring:
    name: str
    expires_on: datetime.date
    url: str


@dataclass(frozen=True)
class ServicesCard:
    counts: tuple[StatusCount, ...]
    next_due: datetime.date | None
    url: str
    order_url: str

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


@dataclass(frozen=True)
class DomainsCard:
    counts: tuple[StatusCount, ...]
    expiring: tuple[Expiring, ...]
    url: str

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


def _counts(rows: QuerySet[Any], labels: dict[str, str]) -> tuple[StatusCount, ...]:
    counted = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return tuple(StatusCount(s, labels[s], counted[s]) for s in labels if counted.get(s))


def services_card(customer_id: uuid.UUID, may_order: bool) -> ServicesCard:
    services = Service.objects.filter(customer_id=customer_id).order_by()
    live = services.filter(status__in=LIVE_STATUSES, cancel_on__isnull=True)
    return ServicesCard(
        counts=_counts(services, dict(ServiceStatus.choices)),
        next_due=live.aggregate(first=Min("next_due_on"))["first"],
        url=reverse("hosting:services"),
        order_url=reverse("hosting:order") if may_order else "",
    )


def domains_card(customer_id: uuid.UUID) -> DomainsCard:
    domains = Domain.objects.filter(customer_id=customer_id).order_by()
    soon = timezone.localdate() + datetime.timedelta(days=EXPIRING_DAYS)
    expiring = domains.filter(status=DomainStatus.ACTIVE, expires_on__lte=soon)
    return DomainsCard(
        counts=_counts(domains, dict(DomainStatus.choices)),
        expiring=tuple(
            Expiring(d.display_name, d.expires_on, reverse("hosting:domain", args=[d.name]))
            for d in expiring.order_by("expires_on", "name")[:5]
            if d.expires_on is not None
        ),
        url=reverse("hosting:domains"),
    )


def dashboard_cards(*, customer_id: uuid.UUID, person: Person) -> dict[str, Any]:
    """The dashboard's "Hosting services" and "Domains" cards, for who may see each."""
    cards: dict[str, Any] = {}
    if person.may(Permission.SERVICES):
        cards["services_card"] = services_card(customer_id, may_order=True)
    if person.may(Permission.DOMAINS):
        cards["domains_card"] = domains_card(customer_id)
    return cards


def register_dashboard_cards() -> None:
    """Fill the dashboard's hosting cards (called once, from the app's ``ready``)."""
    register_card_source(dashboard_cards)
