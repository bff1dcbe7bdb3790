"""The customer area's domains: the list, one domain (its state, contacts, what the registry
publishes) and its actions: renew, auto-renew, ID protection, the auth code to move it away,
and trying a failed registration again.

Every page needs the domains permission, and every domain is found by its name through the
signed-in person's own account (another account's answers 404). An action is a POST, one
service call, and a redirect with a message; a refusal is shown on the domain's page, on the
form and field it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from clientvault.accounts.access import person_required
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.validation import country_choices
from clientvault.accounts.views.area import acting_user
from clientvault.hosting import queries
from clientvault.hosting.errors import HostingError
from clientvault.hosting.forms.area_contacts import ROLE_HELP, ROLE_LABELS
from clientvault.hosting.forms.area_domains import (
    AutoRenewForm,
    IdProtectionForm,
    RenewForm,
    RetryForm,
)
from clientvault.hosting.forms.area_fields import add_hosting_error
from clientvault.hosting.models import ContactRole, Domain, DomainContact
from clientvault.hosting.services.domains import (
    RENEWABLE,
    auth_code_for_transfer_out,
    renew_domain,
    retry_registration,
    set_auto_renew,
    set_id_protection,
)
from clientvault.hosting.services.handover import tld_policy
from clientvault.hosting.views.area_publication import Exposure, domain_exposures
from clientvault.hosting.views.area_states import domain_state, registrar_work

DOMAINS = Permission.DOMAINS


@dataclass(frozen=True)
class RoleRow:
    """One of the domain's four contacts, as its page shows it."""

    role: str
    label: str
    help: str
    contact: DomainContact
    who: str
    kind: str
    country: str
    public: Exposure


def _kind(contact: DomainContact) -> str:
    if contact.person is None:
        return "Outside contact"
    return "Account owner" if contact.person.is_owner else "Authorised user"


def role_rows(domain: Domain) -> list[RoleRow]:
    countries = dict(country_choices())
    rows = []
    for role, public in zip(ContactRole.values, domain_exposures(domain), strict=True):
        contact = domain.contact_for(role)
        rows.append(
            RoleRow(
                role=role,
                label=ROLE_LABELS[ContactRole(role)],
                help=ROLE_HELP[ContactRole(role)],
                contact=contact,
                who=str(contact.name or contact.organisation or "—"),
                kind=_kind(contact),
                country=countries.get(contact.country, contact.country),
                public=public,
            )
        )
    return rows


@require_safe
@person_required(DOMAINS)
def domain_list(request: HttpRequest, person: Person) -> HttpResponse:
    domains = queries.domains_of(person.customer_id)
    page = Paginator(domains, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hosting/area/domains.html", {"person": person, "page": page})


def _protection_form(domain: Domain, data: Any = None) -> IdProtectionForm:
    policy = tld_policy(domain.tld)
    allowed = policy is None or policy.id_protection_allowed
    why_not = (
        f"The .{domain.tld} registry does not allow ID protection: it publishes its "
        "registrants' details."
    )
    initial = {"id_protection": domain.id_protection}
    return IdProtectionForm(data, initial=initial, allowed=allowed, why_not=why_not)


def domain_page(request: HttpRequest, person: Person, domain: Domain, **forms: Any) -> HttpResponse:
    """The domain's page; ``forms`` holds a sent form with its errors, shown in its place (a
    refusal of the whole action at the top: its form may not show in the domain's state)."""
    currency = queries.account_currency(person.customer_id)
    refusals = [
        str(error)
        for form in forms.values()
        if isinstance(form, BaseForm)
        for error in form.non_field_errors()
    ]
    context = {
        "refusals": refusals
        + ([forms["auth_code_problem"]] if "auth_code_problem" in forms else []),
        "person": person,
        "domain": domain,
        "state": domain_state(domain),
        "work": registrar_work(domain) if domain.status in RENEWABLE else "",
        "roles": role_rows(domain),
        "policy_known": tld_policy(domain.tld) is not None,
        "renewal": queries.open_renewal(domain),
        "renewable": domain.status in RENEWABLE,
        "year_price": queries.domain_year_price(domain, currency),
        "renew_form": forms.get("renew_form") or RenewForm(),
        "auto_renew_form": forms.get("auto_renew_form")
        or AutoRenewForm(initial={"auto_renew": domain.auto_renew}),
        "protection_form": forms.get("protection_form") or _protection_form(domain),
        "retry_form": forms.get("retry_form") or RetryForm(),
        "history": queries.domain_history(domain),
        "registrar": queries.registrar_site(),
    }
    return render(request, "hosting/area/domain.html", context)


@require_safe
@person_required(DOMAINS)
def domain_detail(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    return domain_page(request, person, queries.own_domain(person, name))


def back(domain: Domain) -> HttpResponse:
    return redirect("hosting:domain", name=domain.name)


@require_POST
@person_required(DOMAINS)
def domain_renew(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    """An invoice for more years; the registrar renews once it is paid."""
    domain = queries.own_domain(person, name)
    form = RenewForm(request.POST)
    if form.is_valid():
        years = form.cleaned_data["years"]
        try:
            placed = renew_domain(domain=domain, years=years, actor=acting_user(request))
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            assert placed.invoice is not None
            number = placed.invoice.display_number
            messages.success(
                request,
                f"Renewal of {domain.display_name} ordered: pay invoice {number} to renew it.",
            )
            if person.may(Permission.BILLING):
                return redirect("billing:invoice", number=number)
            return back(domain)
    return domain_page(request, person, domain, renew_form=form)


@require_POST
@person_required(DOMAINS)
def domain_auto_renew(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    domain = queries.own_domain(person, name)
    form = AutoRenewForm(request.POST)
    if not form.is_valid():
        return domain_page(request, person, domain, auto_renew_form=form)
    enabled = form.cleaned_data["auto_renew"]
    set_auto_renew(domain=domain, enabled=enabled, actor=acting_user(request))
    if enabled:
        messages.success(request, f"{domain.display_name} now renews automatically.")
    else:
        messages.success(request, f"{domain.display_name} no longer renews by itself.")
    return back(domain)


@require_POST
@person_required(DOMAINS)
def domain_id_protection(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    """Ask the registrar to hide (or show) the contacts' details, where the registry allows."""
    domain = queries.own_domain(person, name)
    form = IdProtectionForm(request.POST, allowed=True)
    if form.is_valid():
        enabled = form.cleaned_data["id_protection"]
        if enabled == domain.id_protection:
            messages.info(request, f"ID protection is already {'on' if enabled else 'off'}.")
            return back(domain)
        try:
            set_id_protection(domain=domain, enabled=enabled, actor=acting_user(request))
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            state = "on" if enabled else "off"
            messages.success(
                request,
                f"The registrar is turning ID protection {state}: this page shows it once done.",
            )
            return back(domain)
    return domain_page(request, person, domain, protection_form=form)


@never_cache
@require_POST
@person_required(DOMAINS)
def domain_auth_code(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    """The code to move the domain to another registrar: asked of the registrar, shown on
    this answer only, kept nowhere."""
    domain = queries.own_domain(person, name)
    try:
        code = auth_code_for_transfer_out(domain=domain, actor=acting_user(request))
    except HostingError as error:
        return domain_page(request, person, domain, auth_code_problem=error.text)
    context = {"person": person, "domain": domain, "code": code}
    return render(request, "hosting/area/auth_code.html", context)


@require_POST
@person_required(DOMAINS)
def domain_retry(request: HttpRequest, person: Person, name: str) -> HttpResponse:
    """Send a registration (or transfer) the registrar refused again, perhaps with a new code."""
    domain = queries.own_domain(person, name)
    form = RetryForm(request.POST)
    if form.is_valid():
        try:
            retry_registration(
                domain=domain, auth_code=form.cleaned_data["auth_code"], actor=acting_user(request)
            )
        except ValidationError as error:
            add_hosting_error(form, error)
        else:
            messages.success(
                request, f"Trying again: {domain.display_name} is sent to the registrar."
            )
            return back(domain)
    return domain_page(request, person, domain, retry_form=form)
