"""The customer area: signup, dashboard, profile and its history, the client log.

Every page after signup is behind ``person_required`` (signed in, a person on a customer
account, the permission the page needs); objects come through the person's own account, so
another account's answer 404. Each change is one service call followed by a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.accounts import throttle
from clientvault.accounts.access import person_required
from clientvault.accounts.activities import LABELS
from clientvault.accounts.dashboard import card_context, open_items
from clientvault.accounts.devices import remember_device
from clientvault.accounts.followups import profile_follow_ups
from clientvault.accounts.forms.area import (
    ClientLogFilter,
    EmailForm,
    OrganisationForm,
    ProfileForm,
    SignupForm,
)
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import (
    Channel,
    ClientLogEntry,
    CustomerKind,
    Permission,
    Person,
    ProfileChange,
    User,
)
from clientvault.accounts.reauth import reauth_required
from clientvault.accounts.services.auth import sign_in
from clientvault.accounts.services.clientlog import labels_for_actor_ids
from clientvault.accounts.services.confirmation import (
    LINK_VALID,
    pending_email_change,
    request_email_change,
    withdraw_email_change,
)
from clientvault.accounts.services.customers import USERNAME_TAKEN_CODE, update_person
from clientvault.accounts.services.organisations import organisation_details, update_organisation
from clientvault.accounts.services.signup import sign_up
from clientvault.accounts.services.twofactor import Step
from clientvault.accounts.views.auth import throttled_page
from clientvault.privacy.inventory import DATA_DATABASE, Declaration, registry
from clientvault.privacy.models import Disclosure, PolicyVersion
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.consent import current_consent
from clientvault.privacy.services.disclosures import disclosures_visible_to
from clientvault.privacy.services.policy import accepted_version, latest_version, publish_policy
from clientvault.privacy.taxonomy import CATEGORIES, Purpose, category_label

PAGE_SIZE = 25


def paginate(request: HttpRequest, items: QuerySet[Any]) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def acting_user(request: HttpRequest) -> User:
    """The signed-in login behind a customer-area request (``person_required`` ran first)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("sign in first")
    return request.user


# --- signup -------------------------------------------------------------------------------


def _kind(request: HttpRequest) -> str:
    wanted = request.GET.get("kind")
    return CustomerKind.ORGANISATION if wanted == "organisation" else CustomerKind.INDIVIDUAL


SIGNUP_PAGE = "accounts/area/signup.html"


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Open an account online (COL-1) accepting the current privacy policy (POL-2).

    Every signup that passes its checks goes on to "check your e-mail", whether or not the
    address is in use (:mod:`clientvault.accounts.services.signup`). Throttled per IP address
    and per e-mail address typed; a submission refused by the checks is not counted, except a
    username that is taken (the one answer that tells something), which counts for the IP.
    """
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    kind, policy = _kind(request), publish_policy()
    form = SignupForm(request.POST or None, kind=kind, policy=policy)
    context = {"form": form, "kind": kind, "policy": policy, "kinds": CustomerKind}
    if request.method == "POST" and form.is_valid():
        checks = _signup_checks(request)
        verdict = throttle.reserve(*checks)
        if not verdict.allowed:
            return throttled_page(request, SIGNUP_PAGE, context, verdict)
        if _sign_up(form, checks):
            return redirect("accounts:signup_sent")
    return render(request, SIGNUP_PAGE, context)


def _signup_checks(request: HttpRequest) -> tuple[tuple[throttle.Rule, str], ...]:
    typed = throttle.normalise_identifier(str(request.POST.get("email", "")))
    return (throttle.SIGNUP_IP, throttle.client_ip(request)), (throttle.SIGNUP_EMAIL, typed)


def _sign_up(form: SignupForm, checks: tuple[tuple[throttle.Rule, str], ...]) -> bool:
    """The one service call; its errors go on the form and give back what they need not cost."""
    try:
        sign_up(
            kind=form.kind,
            details=form.person_data(),
            organisation=form.organisation_data(),
            policy_version=form.policy,
            marketing=form.cleaned_data["marketing"],
            security_answers=form.answers(),
            **form.login_data(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        throttle.release(*_not_attempts(error, checks))
        return False
    return True


def _not_attempts(
    error: ValidationError, checks: tuple[tuple[throttle.Rule, str], ...]
) -> tuple[tuple[throttle.Rule, str], ...]:
    """The counts a refused signup gives back: all of them for typing errors; a taken username
    keeps its count for the IP address, so usernames cannot be probed freely."""
    taken = any(e.code == USERNAME_TAKEN_CODE for e in error.error_dict.get("username", []))
    return tuple(check for check in checks if not (taken and check[0] == throttle.SIGNUP_IP))


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    """Where every signup that passed its checks ends: the same page whatever the address."""
    hours = int(LINK_VALID.total_seconds() // 3600)
    return render(request, "accounts/area/signup_sent.html", {"hours": hours})


def sign_in_new_login(request: HttpRequest, *, username: str, password: str) -> HttpResponse:
    """Sign in a login that was just made, through the ordinary sign-in (session tracked)."""
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        messages.info(request, "Your account is ready: please sign in.")
        return redirect("accounts:login")
    step = sign_in(request=request, user=user).step
    messages.success(request, "Welcome! Your account is ready.")
    if step is Step.ENROL:
        return redirect("accounts:two_factor_setup")
    return remember_device(redirect("accounts:dashboard"), user)  # the sign-in is complete


# --- dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One disclosure as the person reads it: who received which data, when, and why."""

    disclosure: Disclosure
    categories: list[str]

    @classmethod
    def of(cls, disclosure: Disclosure) -> Received:
        keys = [str(key) for key in disclosure.categories]
        return cls(disclosure, [category_label(k) if k in CATEGORIES else k for k in keys])


@dataclass(frozen=True)
class PrivacySummary:
    """What the dashboard says about the person's own data."""

    held: list[str]  # category labels, in the taxonomy's order
    disclosures: list[Received]
    marketing: bool
    partner_sharing: bool | None  # None: the policy never shares with partners
    accepted: PolicyVersion | None
    current: PolicyVersion | None


def held_categories(person: Person) -> list[str]:
    """The data categories we hold about the person, from the inventory (what rows exist).

    The person's own record counts field by field (an empty field holds nothing); other
    declared models count when a row of theirs leads to the person's subject, all of them
    asked in one query.
    """
    found: set[str] = set()
    others: list[tuple[Declaration, set[str]]] = []
    for declaration in registry:
        if not declaration.subject or declaration.storage != DATA_DATABASE:
            continue
        specs = dict(declaration.personal_fields())
        if declaration.label == Person._meta.label:
            found |= {s.category for n, s in specs.items() if _filled(getattr(person, n, ""))}
        elif specs:
            others.append((declaration, {s.category for s in specs.values()}))
    for categories in _with_rows(others, person):
        found |= categories
    return [category_label(key) for key in CATEGORIES if key in found]


def _filled(value: object) -> bool:
    return value is not None and str(value) != ""


def _with_rows(declarations: list[tuple[Declaration, set[str]]], person: Person) -> list[set[str]]:
    """The categories of those declarations with a row leading to the person's subject."""
    checks: dict[str, Exists] = {}
    for index, (declaration, _) in enumerate(declarations):
        try:
            model = declaration.model
        except LookupError:  # declared, but its app is not installed
            continue
        rows = model._default_manager.filter(**{str(declaration.subject): person.subject_id})
        checks[f"d{index}"] = Exists(rows)
    if not checks:
        return []
    held = Person.objects.filter(pk=person.pk).values(**checks).get()
    return [declarations[int(alias[1:])][1] for alias, has in held.items() if has]


def privacy_summary(person: Person) -> PrivacySummary:
    subject = person.subject
    never = current_profile().partners == "never"
    return PrivacySummary(
        held=held_categories(person),
        disclosures=[
            Received.of(d)
            for d in disclosures_visible_to(subject=subject, today=timezone.localdate())
        ],
        marketing=current_consent(subject=subject, purpose=Purpose.MARKETING),
        partner_sharing=(
            None if never else current_consent(subject=subject, purpose=Purpose.PARTNER_SHARING)
        ),
        accepted=accepted_version(subject=subject),
        current=latest_version(),
    )


@require_safe
@person_required()
def dashboard(request: HttpRequest, person: Person) -> HttpResponse:
    """The account at a glance: status, services, domains, requests, and the person's data."""
    context = {
        "person": person,
        "customer": person.customer,
        "privacy": privacy_summary(person),
        "recent": visible_log(person)[:5],
        "open_items": open_items(
            subject_id=person.subject_id,
            account=person.customer.number,
            may_privacy=person.may(Permission.PRIVACY),
        ),
        **card_context(customer_id=person.customer_id, person=person),
    }
    return render(request, "accounts/area/dashboard.html", context)


# --- profile ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@person_required()
def profile(request: HttpRequest, person: Person) -> HttpResponse:
    """The person corrects, updates or removes their own data (CTL-1)."""
    form = ProfileForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_person(
                person=person,
                changes=form.changes(),
                actor=acting_user(request),
                channel=Channel.ONLINE,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved(changed))
            return redirect("accounts:profile")
    context = {"person": person, "form": form, "follow_ups": profile_follow_ups(person)}
    return render(request, "accounts/area/profile.html", context)


def _saved(changed: list[str]) -> str:
    if not changed:
        return "Nothing changed."
    return "Saved: " + ", ".join(LABELS[name].lower() for name in changed) + "."


@require_http_methods(["GET", "POST"])
@person_required()
@reauth_required
def profile_email(request: HttpRequest, person: Person) -> HttpResponse:
    """Change the e-mail address, after typing the password again (SEC-2): the new address
    takes effect when the link sent to it is followed; the old one is told. A change still
    waiting can be cancelled here (``action=withdraw``)."""
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if withdraw_email_change(person=person, actor=acting_user(request)):
            messages.success(request, "The change is cancelled: its link no longer works.")
        return redirect("accounts:profile_email")
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = request_email_change(
                person=person,
                email=form.cleaned_data["email"],
                actor=acting_user(request),
                channel=Channel.ONLINE,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, EMAIL_LINK_SENT if sent else "That is your address already.")
            return redirect("accounts:profile_email" if sent else "accounts:profile")
    context = {"person": person, "form": form, "pending": pending_email_change(person)}
    return render(request, "accounts/area/profile_email.html", context)


EMAIL_LINK_SENT = (
    "We have sent a link to the new address. Your address changes when you open it (within 24 "
    "hours); until then your mail keeps going to the current one, which we have told."
)


@require_http_methods(["GET", "POST"])
@person_required()
def organisation(request: HttpRequest, person: Person) -> HttpResponse:
    """The organisation's name, VAT and company numbers (COL-4): the account owner changes
    them; everyone on the account may read them. An individual's account has none (404)."""
    details = organisation_details(person.customer)
    if not details:
        raise Http404("not an organisation's account")
    form = OrganisationForm(request.POST or None, initial=details)
    if request.method == "POST":
        if not person.is_owner:
            raise PermissionDenied("only the account owner changes the organisation's details")
        if form.is_valid() and _update_organisation(request, person, form):
            return redirect("accounts:organisation")
    context = {"person": person, "form": form, "details": details}
    return render(request, "accounts/area/organisation.html", context)


def _update_organisation(request: HttpRequest, person: Person, form: OrganisationForm) -> bool:
    try:
        changed = update_organisation(
            customer=person.customer,
            changes=form.organisation_data(),
            actor=acting_user(request),
            channel=Channel.ONLINE,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _saved(changed))
    return True


@require_safe
@person_required()
def profile_history(request: HttpRequest, person: Person) -> HttpResponse:
    """Every change to the person's data, old -> new, who (a role), when, how (CTL-1)."""
    page = paginate(request, ProfileChange.objects.filter(person=person).order_by("-at"))
    who = labels_for_actor_ids((change.actor_id for change in page), viewer=person)
    rows = [
        {"change": c, "field": LABELS.get(c.field, c.field), "who": who[c.actor_id]} for c in page
    ]
    context = {"person": person, "page": page, "rows": rows}
    return render(request, "accounts/area/profile_history.html", context)


# --- client log ---------------------------------------------------------------------------


def visible_log(person: Person) -> QuerySet[ClientLogEntry]:
    """The whole account's log for the owner and the contacts permission; one's own otherwise."""
    entries = ClientLogEntry.objects.filter(customer=person.customer)
    return entries if person.may(Permission.CONTACTS) else entries.filter(person=person)


@require_safe
@person_required()
def client_log(request: HttpRequest, person: Person) -> HttpResponse:
    """The account's activity log (COL-7), newest first, filtered by kind of event."""
    log_filter = ClientLogFilter(request.GET or None)
    event = log_filter.cleaned_data["event"] if log_filter.is_valid() else ""
    entries = visible_log(person)
    if event:
        entries = entries.filter(event=event)
    context = {
        "person": person,
        "filter": log_filter,
        "event": event,
        "whole_account": person.may(Permission.CONTACTS),
        "page": paginate(request, entries),
    }
    return render(request, "accounts/area/client_log.html", context)
