"""The catalogue: products and plans on sale, their prices (billing's), and domain prices.

:func:`ensure_catalogue` puts the standard catalogue in place (the demo, a new installation, the
tests); running it again changes nothing. Domain registration is sold per ending (``domain-com``
is a billing plan with a yearly price); an ending without one cannot be ordered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from clientvault.billing.models import Cycle, Plan, Price
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import HostingPlan, Product, ProductKind


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    panel_plan: str
    disk_mb: int
    monthly: int  # minor units, before tax
    description: str = ""


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    kind: str
    description: str
    plans: tuple[PlanSpec, ...]
    needs_domain: bool = True


STANDARD = (
    ProductSpec(
        "shared",
        "Shared hosting",
        ProductKind.SHARED,
        "Websites and e-mail on a managed server",
        (
            PlanSpec("shared-starter", "Shared Starter", "shared-starter", 5_000, 499),
            PlanSpec("shared-plus", "Shared Plus", "shared-plus", 20_000, 799),
            PlanSpec("shared-pro", "Shared Pro", "shared-pro", 50_000, 1_999),
        ),
    ),
    ProductSpec(
        "vps",
        "Virtual private server",
        ProductKind.VPS,
        "Your own virtual machine with root access",
        (
            PlanSpec("vps-small", "VPS Small", "vps-small", 40_000, 1_500),
            PlanSpec("vps-medium", "VPS Medium", "vps-medium", 80_000, 3_000),
            PlanSpec("vps-large", "VPS Large", "vps-large", 160_000, 6_000),
        ),
    ),
    ProductSpec(
        "dedicated",
        "Dedicated server",
        ProductKind.DEDICATED,
        "A whole machine in our data centre",
        (PlanSpec("dedicated-e3", "Dedicated E3", "dedicated-e3", 1_000_000, 9_900),),
    ),
    ProductSpec(
        "addons",
        "Add-ons",
        ProductKind.ADDON,
        "Extras for a hosting service",
        (
            PlanSpec("addon-backup", "Off-site backups", "addon-backup", 0, 300),
            PlanSpec("addon-ssl", "SSL certificate", "addon-ssl", 0, 500),
            PlanSpec("addon-cdn", "Content delivery network", "addon-cdn", 0, 800),
        ),
        needs_domain=False,
    ),
)
# A yearly registration or transfer price per ending, in minor units before tax.
DOMAIN_PRICES = {"com": 1_200, "net": 1_400, "org": 1_300, "eu": 900, "us": 1_100, "test": 100}
DOMAIN_PLAN_PREFIX = "domain-"
CYCLE_MONTHS_DISCOUNT = {Cycle.MONTHLY: 1.0, Cycle.QUARTERLY: 0.97, Cycle.ANNUALLY: 0.9}


def _prices(plan: Plan, monthly: int, currency: str) -> None:
    for cycle, factor in CYCLE_MONTHS_DISCOUNT.items():
        amount = round(monthly * Cycle(cycle).months * factor)
        Price.objects.get_or_create(
            plan=plan, cycle=cycle, currency=currency, defaults={"amount": amount}
        )


def _plan(product: Product, spec: PlanSpec, rank: int, currency: str) -> None:
    plan, _ = Plan.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    _prices(plan, spec.monthly, currency)
    HostingPlan.objects.get_or_create(
        billing_plan=plan,
        defaults={
            "product": product,
            "panel_plan": spec.panel_plan,
            "disk_mb": spec.disk_mb,
            "rank": rank,
        },
    )


def _domain_plans(currency: str) -> None:
    for tld, price in DOMAIN_PRICES.items():
        plan, _ = Plan.objects.get_or_create(
            code=f"{DOMAIN_PLAN_PREFIX}{tld}", defaults={"name": f"Domain name .{tld}"}
        )
        Price.objects.get_or_create(
            plan=plan, cycle=Cycle.ANNUALLY, currency=currency, defaults={"amount": price}
        )


@transaction.atomic
def ensure_catalogue(*, currency: str = "EUR") -> None:
    for position, spec in enumerate(STANDARD):
        product, _ = Product.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "description": spec.description,
                "needs_domain": spec.needs_domain,
                "position": position,
            },
        )
        for rank, plan_spec in enumerate(spec.plans):
            _plan(product, plan_spec, rank, currency)
    _domain_plans(currency)


def plans_on_sale() -> list[HostingPlan]:
    found = HostingPlan.objects.filter(is_active=True, billing_plan__is_active=True)
    return list(found.select_related("product", "billing_plan"))


def plan_price(plan: HostingPlan, *, cycle: str, currency: str) -> Price:
    price = Price.objects.filter(plan=plan.billing_plan, cycle=cycle, currency=currency).first()
    if price is None:
        label = Cycle(cycle).label.lower() if cycle in Cycle.values else cycle
        raise HostingError(
            f"{plan.name} is not sold {label} in {currency}: choose another billing cycle.",
            field="cycle",
        )
    return price


def domain_price(*, tld: str, currency: str) -> Price:
    price = Price.objects.filter(
        plan__code=f"{DOMAIN_PLAN_PREFIX}{tld}",
        plan__is_active=True,
        cycle=Cycle.ANNUALLY,
        currency=currency,
    ).first()
    if price is None:
        raise HostingError(f"We do not sell domain names ending in .{tld}.", field="domain")
    return price
