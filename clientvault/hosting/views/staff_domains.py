"""The back office's view of one domain: its contacts per role, history and registrar calls;
renewal, a new try at a refused registration, and contact changes through a ticket.

The page needs ``support``; it is access-logged for each person on the account, and, when the
contacts' details are shown, for each contact's own subject. The details stay hidden until the
staff member has recorded a passed identity check of a caller who may manage the account's
domains (the accounts app's identity check, CTL-6); the same check opens the contact change
form (CTL-3), which also takes the reference of the ticket asking for it. Acting needs
``service``. Domains are named by their id in addresses: a domain name is personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientvault.accounts.models import IdentityCheck, User
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.hosting.errors import HostingError
from clientvault.hosting.forms.staff import (
    ContactChangeForm,
    RenewForm,
    RetryRegistrationForm,
    add_hosting_error,
    problems,
)
from clientvault.hosting.models import ContactRole, Domain, DomainContact, DomainStatus
from clientvault.hosting.services.contacts import contact_values
from clientvault.hosting.services.domains import renew_domain, retry_registration
from clientvault.hosting.services.handover import Publication, published
from clientvault.hosting.services.staff import (
    SERVICE,
    SUPPORT,
    ContactChange,
    caller_check,
    callers,
    change_contact_by_ticket,
    log_account_view,
    log_contacts_view,
    may_act,
    provisioning,
)
from clientvault.hosting.views.staff_services import named

HISTORY = 25


@dataclass(frozen=True)
class RoleRow:
    role: str
    label: str
    contact: DomainContact
    publication: Publication | None  # what the registry publishes; None: not known now


def _domain(pk: Any) -> Domain:
    found = Domain.objects.select_related("customer", "registrant", "admin", "tech", "billing")
    return get_object_or_404(found, pk=pk)


def _publication(domain: Domain, role: str, contact: DomainContact) -> Publication | None:
    return published(
        tld=domain.tld, role=role, data=contact_values(contact), id_protection=domain.id_protection
    )


def _roles(domain: Domain, revealed: bool) -> list[RoleRow]:
    rows = []
    for role in ContactRole:
        contact = domain.contact_for(role)
        shown = _publication(domain, role, contact) if revealed else None
        rows.append(RoleRow(role.value, role.label, contact, shown))
    return rows


def _check_context(staff: User, domain: Domain) -> tuple[IdentityCheck | None, dict[str, Any]]:
    check = caller_check(staff=staff, customer=domain.customer)
    return check, {"check": check, "callers": callers(domain.customer)}


@require_safe
@staff_page(purpose=SUPPORT)
def domain_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    domain, staff = _domain(pk), staff_user(request)
    check, context = _check_context(staff, domain)
    log_account_view(staff=staff, customer=domain.customer, purpose=SUPPORT, what="hosting.domain")
    roles = _roles(domain, revealed=check is not None)
    if check is not None:
        log_contacts_view(staff=staff, contacts=[row.contact for row in roles], purpose=SUPPORT)
    context |= {
        "domain": domain,
        "customer": domain.customer,
        "roles": roles,
        "state": provisioning(domain=domain),
        "events": named(list(domain.events.all()[:HISTORY])),
        "calls": named(list(domain.calls.all()[:HISTORY])),
        "may_act": may_act(staff),
        "renewable": domain.status in (DomainStatus.ACTIVE, DomainStatus.EXPIRED),
        "refused": domain.status == DomainStatus.FAILED,
        "renew_form": RenewForm(),
        "retry_form": RetryRegistrationForm(),
    }
    return render(request, "hosting/staff/domain.html", context)


def _back(domain: Domain) -> HttpResponse:
    return redirect("hosting:staff_domain", pk=domain.pk)


def _refused(request: HttpRequest, form: Any) -> None:
    for problem in problems(form):
        messages.error(request, problem)


@require_POST
@staff_page(purpose=SERVICE)
def domain_renew(request: HttpRequest, pk: Any) -> HttpResponse:
    """Invoice the renewal; the registrar renews once it is paid."""
    domain, form = _domain(pk), RenewForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return _back(domain)
    try:
        placed = renew_domain(
            domain=domain, years=form.cleaned_data["years"], actor=staff_user(request)
        )
    except HostingError as error:
        messages.error(request, error.text)
    else:
        invoice = placed.invoice.display_number if placed.invoice else "—"
        messages.success(
            request, f"Invoice {invoice} was issued for the renewal; it renews once paid."
        )
    return _back(domain)


@require_POST
@staff_page(purpose=SERVICE)
def domain_retry(request: HttpRequest, pk: Any) -> HttpResponse:
    """Try a refused registration or transfer again, with a new auth code if one is given."""
    domain, form = _domain(pk), RetryRegistrationForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return _back(domain)
    try:
        retry_registration(
            domain=domain, auth_code=form.cleaned_data["auth_code"], actor=staff_user(request)
        )
    except HostingError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, "The registrar is asked again; this page shows how it goes.")
    return _back(domain)


# -- a contact change through a ticket (CTL-3, CTL-6) -----------------------------------------


def _contact_label(contact: DomainContact) -> str:
    who = str(contact.name or contact.organisation or "—")
    return f"{who} ({contact.email})" if contact.email else who


def _account_contacts(domain: Domain) -> list[tuple[DomainContact, str]]:
    contacts = DomainContact.objects.filter(customer_id=domain.customer_id)
    return [(contact, _contact_label(contact)) for contact in contacts]


def _role(role: str) -> ContactRole:
    if role not in ContactRole.values:
        raise Http404("no such role")
    return ContactRole(role)


@require_http_methods(["GET", "POST"])
@staff_page(purpose=SERVICE)
def domain_contact(request: HttpRequest, pk: Any, role: str) -> HttpResponse:
    """Change one role's contact for a checked caller, on a ticket; without a passed check,
    the page says how to get one first."""
    domain, chosen, staff = _domain(pk), _role(role), staff_user(request)
    check, context = _check_context(staff, domain)
    context |= {"domain": domain, "customer": domain.customer, "role": chosen}
    if check is None:
        return render(request, "hosting/staff/contact.html", context)
    current = domain.contact_for(chosen)
    contacts = _account_contacts(domain)
    form = ContactChangeForm(
        request.POST or None,
        contacts=contacts,
        initial={"how": "edit", **asdict(contact_values(current))},
    )
    if request.method == "POST" and form.is_valid():
        change = ContactChange(
            role=chosen.value,
            how=form.cleaned_data["how"],
            ticket=form.cleaned_data["ticket"],
            data=form.contact_data(),
            contact=form.chosen(),
        )
        try:
            change_contact_by_ticket(staff=staff, domain=domain, change=change)
        except HostingError as error:
            add_hosting_error(form, error)
        else:
            messages.success(
                request,
                f"The {chosen.label.lower()} contact is changed; the registrar is told for each "
                "active domain that uses it.",
            )
            return _back(domain)
    log_contacts_view(staff=staff, contacts=[c for c, _ in contacts], purpose=SERVICE)
    context |= {
        "form": form,
        "current": current,
        "publication": _publication(domain, chosen.value, current),
    }
    return render(request, "hosting/staff/contact.html", context)
