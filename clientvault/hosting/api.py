"""``/api/v1/hosting``: the account's services, orders, plans, domains and domain contacts.

Services, orders and the plans on sale need the ``services`` permission on the account;
domains and their contacts the ``domains`` permission (each declared in the schema as
``x-clientvault-permission``, so the API access walk covers it): an authorised user without it
gets 403, a staff token 404. Objects are found through the token's own account (a service by
its reference, an order by its number, a domain by its name, a contact by its id), so another
account's answers 404, like one that does not exist.

Each endpoint hands the work to one hosting service. A refusal is a 422 naming the field (for
an order line, ``lines.<n>.<field>``), a conflict with the object's state a 409, and a control
panel or registrar that cannot be reached a 503 saying nothing was changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clientvault.accounts.api import PageOf25, api_person, needs, request_user
from clientvault.accounts.models import Channel, Customer, Permission, Person
from clientvault.accounts.schemas import Error, ValidationErrors
from clientvault.billing import queries
from clientvault.billing.models import Cycle, Price
from clientvault.hosting.errors import HostingError
from clientvault.hosting.models import (
    ContactRole,
    Domain,
    DomainContact,
    HostingPlan,
    Order,
    Service,
)
from clientvault.hosting.names import clean_domain_name
from clientvault.hosting.schemas import (
    CancelIn,
    CatalogueOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    DomainDetailOut,
    DomainOut,
    DomainPriceOut,
    IdProtectionIn,
    OrderIn,
    OrderLineIn,
    OrderOut,
    PlanChangeIn,
    PlanOut,
    PriceOut,
    RenewIn,
    RoleContactIn,
    ServiceDetailOut,
    ServiceOut,
)
from clientvault.hosting.services.catalogue import DOMAIN_PLAN_PREFIX, plans_on_sale
from clientvault.hosting.services.contacts import (
    ContactInput,
    add_contact,
    assign_contacts,
    contact_values,
    update_contact,
)
from clientvault.hosting.services.domains import renew_domain, set_id_protection
from clientvault.hosting.services.lifecycle import cancel_service, change_plan
from clientvault.hosting.services.orders import OrderLine, check_lines, place_order

hosting_router = Router(tags=["hosting"])
SERVICES = needs(Permission.SERVICES)
DOMAINS = needs(Permission.DOMAINS)
UNAVAILABLE = 503
CONFLICT = 409
# The refusals an operation that changes something can answer with, besides its success.
REFUSED: dict[int, Any] = {403: Error, 404: Error, 422: ValidationErrors}
CONFLICTING: dict[int, Any] = {**REFUSED, 409: Error}  # the object's state forbids it
OUTSIDE: dict[int, Any] = {**REFUSED, 503: Error}  # the panel or registrar is asked first


# -- shared -----------------------------------------------------------------------------------


def refused(error: HostingError, prefix: str = "") -> Exception:
    """A service's HostingError as the API answers it: 503 when the panel or registrar could
    not be reached, 409 for a conflict with the object's state, else 422 naming the field."""
    if error.code == "unavailable":
        return HttpError(UNAVAILABLE, error.text)
    if error.code == "conflict":
        return HttpError(CONFLICT, error.text)
    field = f"{prefix}{error.field}" if error.field else NON_FIELD_ERRORS
    return ValidationError({field: [error.text]})


@contextmanager
def refusals(prefix: str = "") -> Iterator[None]:
    try:
        yield
    except HostingError as error:
        raise refused(error, prefix) from None


def _services_person(request: HttpRequest) -> Person:
    return api_person(request, Permission.SERVICES)


def _domains_person(request: HttpRequest) -> Person:
    return api_person(request, Permission.DOMAINS)


def _services(customer: Customer) -> QuerySet[Service]:
    related = ("plan__product", "plan__billing_plan")
    return Service.objects.filter(customer=customer).select_related(*related)


def _service(request: HttpRequest, reference: str) -> Service:
    found = _services(_services_person(request).customer).filter(reference=reference).first()
    if found is None:
        raise Http404("no such service")
    return found


def _domain(request: HttpRequest, name: str) -> Domain:
    customer = _domains_person(request).customer
    try:
        cleaned = clean_domain_name(name)
    except HostingError:
        raise Http404("no such domain") from None
    found = Domain.objects.filter(customer=customer, name=cleaned).order_by("-created_at")
    domain = found.select_related("registrant", "admin", "tech", "billing").first()
    if domain is None:
        raise Http404("no such domain")
    return domain


def _contact(customer: Customer, contact_id: uuid.UUID) -> DomainContact | None:
    return DomainContact.objects.filter(customer=customer, pk=contact_id).first()


def _detail(service: Service) -> ServiceDetailOut:
    service.refresh_from_db()
    return ServiceDetailOut.model_validate(service)


# -- the catalogue ----------------------------------------------------------------------------


def _plan_out(plan: HostingPlan, currency: str) -> PlanOut:
    prices = Price.objects.filter(plan=plan.billing_plan, currency=currency).order_by("cycle")
    return PlanOut(
        code=plan.code,
        name=plan.name,
        product=plan.product.code,
        product_name=plan.product.name,
        kind=plan.product.kind,  # type: ignore[arg-type]
        needs_domain=plan.product.needs_domain,
        disk_mb=plan.disk_mb,
        bandwidth_mb=plan.bandwidth_mb,
        prices=[PriceOut(cycle=Cycle(p.cycle), amount=p.amount) for p in prices],
    )


def _domain_prices(currency: str) -> list[DomainPriceOut]:
    prices = Price.objects.filter(
        plan__code__startswith=DOMAIN_PLAN_PREFIX,
        plan__is_active=True,
        cycle=Cycle.ANNUALLY,
        currency=currency,
    ).select_related("plan")
    return sorted(
        (
            DomainPriceOut(ending=p.plan.code.removeprefix(DOMAIN_PLAN_PREFIX), yearly=p.amount)
            for p in prices
        ),
        key=lambda price: price.ending,
    )


@hosting_router.get(
    "/hosting/plans",
    response={200: CatalogueOut, 403: Error, 404: Error},
    summary="The plans on sale and the domain endings we register, with their prices",
    description="Prices are in your account's currency, before VAT.",
    operation_id="list_plans",
    openapi_extra=SERVICES,
)
def list_plans(request: HttpRequest) -> CatalogueOut:
    currency = queries.account_currency(_services_person(request).customer)
    return CatalogueOut(
        currency=currency,  # type: ignore[arg-type]
        plans=[_plan_out(plan, currency) for plan in plans_on_sale()],
        domains=_domain_prices(currency),
    )


# -- services ---------------------------------------------------------------------------------


def _links(parameter: str, field: str, *operation_ids: str) -> dict[str, Any]:
    """OpenAPI links from a list's first item to the operations taking its ``field``."""
    links = {
        operation_id: {
            "operationId": operation_id,
            "parameters": {parameter: f"$response.body#/items/0/{field}"},
        }
        for operation_id in operation_ids
    }
    return {"responses": {200: {"links": links}}}


@hosting_router.get(
    "/hosting/services",
    response={200: list[ServiceOut], 403: Error, 404: Error, 422: ValidationErrors},
    summary="Your account's hosting services",
    description="Newest first, each with where its control panel calls stand.",
    operation_id="list_services",
    openapi_extra={
        **SERVICES,
        **_links(
            "reference",
            "reference",
            "get_service",
            "cancel_service",
            "change_service_plan",
            "get_service_usage",  # clientvault/traffic/api.py
        ),
    },
)
@paginate(PageOf25)
def list_services(request: HttpRequest) -> QuerySet[Service]:
    return _services(_services_person(request).customer)


@hosting_router.get(
    "/hosting/services/{reference}",
    response={200: ServiceDetailOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your services, with its status history",
    operation_id="get_service",
    openapi_extra=SERVICES,
)
def get_service(request: HttpRequest, reference: str) -> Service:
    return _service(request, reference)


@hosting_router.post(
    "/hosting/services/{reference}/cancel",
    response={200: ServiceDetailOut, **CONFLICTING},
    summary="Cancel one of your services, now or at the end of its term",
    description="409: the service is already cancelled.",
    operation_id="cancel_service",
    openapi_extra=SERVICES,
)
def cancel(request: HttpRequest, reference: str, payload: CancelIn) -> ServiceDetailOut:
    service = _service(request, reference)
    with refusals():
        cancel_service(service=service, when=payload.when, actor=request_user(request))
    return _detail(service)


@hosting_router.post(
    "/hosting/services/{reference}/plan",
    response={202: ServiceDetailOut, **CONFLICTING, **OUTSIDE},
    summary="Move one of your services to another plan of its product",
    description="202: the control panel is making the change (see provisioning); the plan "
    "shown changes once it is made. 422: not a plan of the product, or a smaller plan than the "
    "service uses; 409: the service is not active, or the panel is still busy with it; 503: "
    "the panel could not be asked for the service's usage, so nothing changed.",
    operation_id="change_service_plan",
    openapi_extra=SERVICES,
)
def move_plan(
    request: HttpRequest, reference: str, payload: PlanChangeIn
) -> Status[ServiceDetailOut]:
    service = _service(request, reference)
    plan = HostingPlan.objects.filter(billing_plan__code=payload.plan).first()
    if plan is None:
        raise ValidationError(
            {"plan": [f"There is no plan {payload.plan!r} (see /hosting/plans)."]}
        )
    with refusals():
        change_plan(service=service, plan=plan, actor=request_user(request))
    return Status(202, _detail(service))


# -- orders -----------------------------------------------------------------------------------


def _line(index: int, line: OrderLineIn, plans: dict[str, HostingPlan]) -> OrderLine:
    plan = plans.get(line.plan) if line.plan else None
    if line.plan and plan is None:
        message = f"There is no plan {line.plan!r} on sale (see /hosting/plans)."
        raise ValidationError({f"lines.{index}.plan": [message]})
    return OrderLine(
        plan=plan,
        cycle=line.cycle,
        domain=line.domain,
        domain_action=line.domain_action,
        auth_code=line.auth_code,
        years=line.years,
        id_protection=line.id_protection,
    )


def _faulty_line(customer: Customer, lines: Sequence[OrderLine]) -> int | None:
    """Which line a refusal of the whole order comes from (checked alone), if one does."""
    if len(lines) == 1:
        return 0
    for index, line in enumerate(lines):
        try:
            check_lines(customer=customer, lines=[line])
        except HostingError:
            return index
    return None


@hosting_router.post(
    "/hosting/orders",
    response={201: OrderOut, **OUTSIDE},
    summary="Order hosting and domains",
    description="Issues the order's invoice (see /billing/invoices); once it is paid, each "
    "service is set up and each domain registered or transferred. 422 names the line and "
    "field at fault, such as lines.0.domain for a name that is taken or not valid (IDNA "
    "2008); 503: the registrar could not be asked whether a domain is free, so nothing was "
    "ordered.",
    operation_id="place_order",
    openapi_extra=SERVICES,
)
def order(request: HttpRequest, payload: OrderIn) -> Status[Order]:
    customer = _services_person(request).customer
    plans = {plan.code: plan for plan in plans_on_sale()}
    lines = [_line(index, line, plans) for index, line in enumerate(payload.lines)]
    try:
        placed = place_order(
            customer=customer, lines=lines, actor=request_user(request), channel=Channel.API
        )
    except HostingError as error:
        faulty = _faulty_line(customer, lines) if error.code != "unavailable" else None
        raise refused(error, "lines." if faulty is None else f"lines.{faulty}.") from None
    return Status(201, placed)


@hosting_router.get(
    "/hosting/orders/{number}",
    response={200: OrderOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your orders",
    operation_id="get_order",
    openapi_extra=SERVICES,
)
def get_order(request: HttpRequest, number: str) -> Order:
    customer = _services_person(request).customer
    found = Order.objects.filter(customer=customer, number=number).first()
    if found is None:
        raise Http404("no such order")
    return found


# -- domains ----------------------------------------------------------------------------------


def _domain_detail(domain: Domain) -> DomainDetailOut:
    domain.refresh_from_db()
    return DomainDetailOut.model_validate(domain)


@hosting_router.get(
    "/hosting/domains",
    response={200: list[DomainOut], 403: Error, 404: Error, 422: ValidationErrors},
    summary="Your account's domains",
    operation_id="list_domains",
    openapi_extra={
        **DOMAINS,
        **_links("name", "name", "get_domain", "renew_domain", "set_id_protection"),
    },
)
@paginate(PageOf25)
def list_domains(request: HttpRequest) -> QuerySet[Domain]:
    customer = _domains_person(request).customer
    return Domain.objects.filter(customer=customer).order_by("name", "-created_at")


@hosting_router.get(
    "/hosting/domains/{name}",
    response={200: DomainDetailOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="One of your domains, with its four contacts and its history",
    description="Each contact with the fields the registry publishes in its role.",
    operation_id="get_domain",
    openapi_extra=DOMAINS,
)
def get_domain(request: HttpRequest, name: str) -> DomainDetailOut:
    return _domain_detail(_domain(request, name))


def _role_contact(customer: Customer, payload: RoleContactIn, actor: Any) -> DomainContact:
    if (payload.contact is None) == (payload.new_contact is None):
        raise ValidationError({"contact": ["Give either contact (an id) or new_contact."]})
    if payload.new_contact is not None:
        data = ContactInput(**payload.new_contact.model_dump())
        with refusals("new_contact."):
            return add_contact(customer=customer, data=data, actor=actor)
    assert payload.contact is not None
    contact = _contact(customer, payload.contact)
    if contact is None:
        raise ValidationError({"contact": ["Choose one of your account's contacts."]})
    return contact


@hosting_router.put(
    "/hosting/domains/{name}/contacts/{role}",
    response={200: DomainDetailOut, **REFUSED},
    summary="Give one of your domains' roles another contact",
    description="An existing contact of your account, or a new outside contact. The registrar "
    "is told (for an active domain); see each role's published fields for what the registry "
    "shows.",
    operation_id="set_domain_contact",
    openapi_extra=DOMAINS,
)
def set_contact(
    request: HttpRequest, name: str, role: ContactRole, payload: RoleContactIn
) -> DomainDetailOut:
    domain, actor = _domain(request, name), request_user(request)
    contact = _role_contact(domain.customer, payload, actor)
    with refusals():
        assign_contacts(domain=domain, roles={role.value: contact}, actor=actor)
    return _domain_detail(domain)


@hosting_router.post(
    "/hosting/domains/{name}/renew",
    response={201: OrderOut, **CONFLICTING},
    summary="Renew one of your domains",
    description="Issues the renewal's invoice; the registrar renews once it is paid. 409: the "
    "domain is not registered, or a renewal is already waiting for payment.",
    operation_id="renew_domain",
    openapi_extra=DOMAINS,
)
def renew(request: HttpRequest, name: str, payload: RenewIn) -> Status[Order]:
    domain = _domain(request, name)
    with refusals():
        placed = renew_domain(domain=domain, years=payload.years, actor=request_user(request))
    return Status(201, placed)


@hosting_router.put(
    "/hosting/domains/{name}/id_protection",
    response={202: DomainDetailOut, **CONFLICTING, **OUTSIDE},
    summary="Turn ID protection of one of your domains on or off",
    description="202: the registrar is making the change (see provisioning). 422: the registry "
    "does not allow ID protection; 409: the domain is not active, or the registrar is still "
    "busy with it; 503: the registrar could not be asked.",
    operation_id="set_id_protection",
    openapi_extra=DOMAINS,
)
def id_protection(
    request: HttpRequest, name: str, payload: IdProtectionIn
) -> Status[DomainDetailOut]:
    domain = _domain(request, name)
    with refusals():
        set_id_protection(domain=domain, enabled=payload.enabled, actor=request_user(request))
    return Status(202, _domain_detail(domain))


# -- domain contacts --------------------------------------------------------------------------


@hosting_router.get(
    "/hosting/contacts",
    response={200: list[ContactOut], 403: Error, 404: Error, 422: ValidationErrors},
    summary="Your account's domain contacts",
    description="The people and organisations your domains name, each with where it is used.",
    operation_id="list_domain_contacts",
    openapi_extra={**DOMAINS, **_links("contact_id", "id", "update_domain_contact")},
)
@paginate(PageOf25)
def list_contacts(request: HttpRequest) -> QuerySet[DomainContact]:
    return DomainContact.objects.filter(customer=_domains_person(request).customer)


@hosting_router.post(
    "/hosting/contacts",
    response={201: ContactOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="Add an outside domain contact",
    description="A person or organisation who is not on your account, such as a technical "
    "contact; give it a role with PUT /hosting/domains/{name}/contacts/{role}.",
    operation_id="add_domain_contact",
    openapi_extra=DOMAINS,
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[DomainContact]:
    customer = _domains_person(request).customer
    with refusals():
        contact = add_contact(
            customer=customer,
            data=ContactInput(**payload.model_dump()),
            actor=request_user(request),
        )
    return Status(201, contact)


@hosting_router.patch(
    "/hosting/contacts/{contact_id}",
    response={200: ContactOut, **REFUSED},
    summary="Correct one of your domain contacts",
    description="The registrar is told for each active domain that names it.",
    operation_id="update_domain_contact",
    openapi_extra=DOMAINS,
)
def patch_contact(request: HttpRequest, contact_id: uuid.UUID, payload: ContactPatch) -> Any:
    contact = _contact(_domains_person(request).customer, contact_id)
    if contact is None:
        raise Http404("no such contact")
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    data = ContactInput(**(asdict(contact_values(contact)) | changes))
    with refusals():
        return update_contact(contact=contact, data=data, actor=request_user(request))
