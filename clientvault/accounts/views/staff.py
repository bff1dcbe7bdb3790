"""The staff back office: search, customer record, identity check, intake, reset, reports.

Every view is behind ``staff_required`` (staff, second factor passed, a staff role); a role
without the purpose a page needs gets a 403 page that says which purpose is missing, and the
navigation (``STAFF_PAGES``) shows a role only the pages it may open. ``/staff/`` is customer
search, or, for a role without the support purpose, a page listing that role's work. Searches
are posted, never put in a URL, and only the matching account numbers are kept in the session
for paging, so personal data stays out of URLs, server logs and browser history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, ParamSpec

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.access import View, staff_required
from clientvault.accounts.activities import LABELS
from clientvault.accounts.forms.staff import (
    CALLER_CHANNELS,
    CHANNEL_CHOICES,
    ChannelForm,
    CodeForm,
    IntakeForm,
    PersonUpdateForm,
    ReportForm,
    ResetPasswordForm,
    SearchForm,
    SecurityAnswerForm,
    SendCodeForm,
    StatusForm,
    person_initial,
)
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import (
    MAX_CHECK_ATTEMPTS,
    Channel,
    CheckMethod,
    CheckStatus,
    Customer,
    CustomerKind,
    CustomerStatusChange,
    IdentityCheck,
    Person,
    ProfileChange,
    ReportStatus,
    StaffRole,
    UnauthorisedUseReport,
    User,
)
from clientvault.accounts.services import identity
from clientvault.accounts.services.clientlog import plural
from clientvault.accounts.services.staff import (
    CUSTOMER_PURPOSE,
    REPORT_PURPOSE,
    STATUS_PURPOSE,
    BackOfficeReason,
    actor_names,
    back_office_reasons,
    change_status_by_staff,
    handle_report,
    may_change_status,
    open_account_by_telephone,
    query_kind,
    require_purpose,
    reset_password_by_ticket,
    search_customers,
    staff_purposes,
    update_person_by_telephone,
    view_customer,
    view_person_for_update,
    view_report,
)
from clientvault.accounts.views.staff_pages import pages_for
from clientvault.privacy.services.policy import publish_policy
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
PAGE_SIZE = 25
CHANNEL_KEY = "staff_channel"
REASON_KEY = "staff_reason"
SEARCH_KEY = "staff_search"
KIND_LABELS = {
    "number": "account number",
    "email": "e-mail address",
    "phone": "telephone number",
    "name": "name",
}


# -- shared helpers ---------------------------------------------------------------------------


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "accounts/staff/forbidden.html", {"reason": reason}, status=403)


def staff_page(*roles: str, purpose: str = "") -> Callable[[View[P]], View[P]]:
    """``staff_required`` for any staff role (or ``roles``), plus the purpose the page needs.

    A refusal (PermissionDenied) is shown as a 403 page that gives its reason.
    """

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def with_purpose(
            request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            if purpose:
                require_purpose(staff=staff_user(request), purpose=purpose)
            return view(request, *args, **kwargs)

        guarded = staff_required(*(roles or StaffRole.values))(with_purpose)

        @wraps(view)
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            try:
                return guarded(request, *args, **kwargs)
            except PermissionDenied as error:
                return forbidden(request, str(error) or "Your staff role does not allow this.")

        return wrapped

    return decorator


def staff_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in with a staff login.")
    return user


def choose_channel(request: HttpRequest, staff: User) -> ChannelForm:
    """The channel form. Posted (CSRF-checked), a valid channel, and for back-office work its
    reason, is kept in the session; an invalid one leaves the session as it was and shows why.
    A query string changes nothing, so a link in a ticket cannot state a reason for anyone."""
    reasons = back_office_reasons(staff)
    if request.method != "POST":
        channel, reason = current_work(request)
        return ChannelForm(initial={"channel": channel, "reason": reason}, reasons=reasons)
    form = ChannelForm(request.POST, reasons=reasons)
    if form.is_valid():
        request.session[CHANNEL_KEY] = form.cleaned_data["channel"]
        request.session[REASON_KEY] = form.cleaned_data.get("reason", "")
    return form


def current_work(request: HttpRequest) -> tuple[str, str]:
    """The channel kept in the session and, for back-office work, its reason: the telephone
    unless the staff member's roles (now) allow that reason."""
    channel = str(request.session.get(CHANNEL_KEY, Channel.TELEPHONE))
    reason = str(request.session.get(REASON_KEY, ""))
    if channel == Channel.STAFF:
        if reason in dict(back_office_reasons(staff_user(request))):
            return channel, reason
        return Channel.TELEPHONE, ""
    return (channel, "") if channel in dict(CALLER_CHANNELS) else (Channel.TELEPHONE, "")


def current_channel(request: HttpRequest) -> str:
    return current_work(request)[0]


def paginate(
    request: HttpRequest, items: Sequence[Any] | QuerySet[Any], param: str = "page"
) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def named(rows: Sequence[Any], names: dict[str, str]) -> list[tuple[Any, str]]:
    return [(row, names.get(str(getattr(row, "actor_id", "")), "—")) for row in rows]


def person_or_404(pk: Any) -> Person:
    return get_object_or_404(Person.objects.select_related("customer", "user"), pk=pk)


# -- search -----------------------------------------------------------------------------------


@staff_page()
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    staff = staff_user(request)
    if CUSTOMER_PURPOSE not in staff_purposes(staff):
        if request.method == "POST":
            require_purpose(staff=staff, purpose=CUSTOMER_PURPOSE)
        return _work_page(request, staff)
    if request.method == "POST":
        return _post_search(request)
    found: dict[str, Any] | None = request.session.get(SEARCH_KEY)
    if request.GET.get("new") == "1":
        request.session.pop(SEARCH_KEY, None)
        found = None
    return _search_page(request, SearchForm(), found)


def _post_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST)
    if not form.is_valid():
        request.session.pop(SEARCH_KEY, None)
        return _search_page(request, form, None)
    query = form.cleaned_data["query"]
    try:
        customers = search_customers(query=query, actor=staff_user(request))
    except ValidationError as error:
        add_service_errors(form, error)
        return _search_page(request, form, None)
    request.session[SEARCH_KEY] = {
        "kind": query_kind(" ".join(query.split())),
        "numbers": [c.number for c in customers],
    }
    return redirect("accounts:staff_search")


def _search_page(
    request: HttpRequest, form: SearchForm, found: dict[str, Any] | None
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "searched": found is not None}
    if found is not None:
        page = paginate(request, found["numbers"])
        customers = Customer.objects.filter(number__in=list(page.object_list)).order_by("number")
        context |= {
            "page": page,
            "customers": customers.select_related("organisation").prefetch_related("people"),
            "kind": KIND_LABELS.get(found["kind"], "query"),
            "count": len(found["numbers"]),
        }
    return render(request, "accounts/staff/search.html", context)


def _work_page(request: HttpRequest, staff: User) -> HttpResponse:
    """``/staff/`` for a role without customer search: what the role can do here instead."""
    context = {
        "pages": [page for page in pages_for(staff) if page.purpose],
        "search_purpose": Purpose(CUSTOMER_PURPOSE).label,
    }
    return render(request, "accounts/staff/work.html", context)


# -- the customer record ----------------------------------------------------------------------


@staff_page(purpose=CUSTOMER_PURPOSE)
@require_http_methods(["GET", "POST"])
def customer(request: HttpRequest, number: str) -> HttpResponse:
    """The record; a POST switches the channel (and reason) the staff member works on."""
    account = get_object_or_404(Customer, number=number)
    staff = staff_user(request)
    channel_form = choose_channel(request, staff)
    if channel_form.is_bound and channel_form.is_valid():
        return redirect("accounts:staff_customer", number=account.number)
    channel, reason = current_work(request)
    context = {
        "record": view_customer(staff=staff, customer=account, channel=channel, reason=reason),
        "customer": account,
        "channel_form": channel_form,
        "reason_label": BackOfficeReason(reason).label if reason else "",
        "reports": account.reports.all()[:PAGE_SIZE],
        "log": paginate(request, account.log.select_related("person").all()),
        "may_change_status": may_change_status(staff),
    }
    return render(request, "accounts/staff/customer.html", context | _histories(account))


def _histories(account: Customer) -> dict[str, list[Any]]:
    """The newest status and profile changes, each with who made it (staff by username); a
    profile change also with its field's label."""
    statuses = list(CustomerStatusChange.objects.filter(customer=account)[:PAGE_SIZE])
    changes = list(ProfileChange.objects.filter(person__customer=account)[:PAGE_SIZE])
    refs = {s.actor_id for s in statuses} | {c.actor_id for c in changes}
    names = actor_names(refs - {""})
    labelled = [(c, who, LABELS.get(c.field, c.field)) for c, who in named(changes, names)]
    return {"statuses": named(statuses, names), "changes": labelled}


# -- identity check (CTL-6) -------------------------------------------------------------------


@staff_page(purpose=CUSTOMER_PURPOSE)
@require_http_methods(["GET", "POST"])
def identity_check(request: HttpRequest, pk: Any) -> HttpResponse:
    person = person_or_404(pk)
    channel = current_channel(request)
    staff = staff_user(request)
    forms: dict[str, Any] = {
        "answer_form": SecurityAnswerForm(questions=identity.answered_questions(person)),
        "code_form": CodeForm(),
    }
    handler = CHECK_ACTIONS.get(request.POST.get("action", ""))
    if request.method == "POST" and identity.needs_check(channel) and handler is not None:
        response = handler(request, staff, person, channel, forms)
        if response is not None:
            return response
    context = _check_context(staff, person, channel)
    if context["pending"] is not None and not forms["code_form"].is_bound:
        forms["code_form"] = CodeForm(initial={"check": context["pending"].pk})
    return render(request, "accounts/staff/identity_check.html", context | forms)


def _check_context(staff: User, person: Person, channel: str) -> dict[str, Any]:
    return {
        "person": person,
        "customer": person.customer,
        "channel": channel,
        "channel_label": dict(CHANNEL_CHOICES)[channel],
        "needs_check": identity.needs_check(channel),
        "methods": identity.available_methods(person),
        "passed": identity.passed_check(staff=staff, person=person),
        "pending": identity.pending_check(staff=staff, person=person),
        "max_attempts": MAX_CHECK_ATTEMPTS,
    }


CheckAction = Callable[[HttpRequest, User, Person, str, dict[str, Any]], HttpResponse | None]


def _passed(request: HttpRequest, person: Person) -> HttpResponse:
    messages.success(
        request, "Identity check passed: this person's details are shown to you for 30 minutes."
    )
    return redirect("accounts:staff_customer", number=person.customer.number)


def _failed(request: HttpRequest, person: Person) -> HttpResponse:
    messages.error(
        request, "Identity check failed. Do not reveal or change anything for this caller."
    )
    return redirect("accounts:staff_identity_check", pk=person.pk)


def _check_answer(
    request: HttpRequest, staff: User, person: Person, channel: str, forms: dict[str, Any]
) -> HttpResponse | None:
    form = SecurityAnswerForm(request.POST, questions=identity.answered_questions(person))
    forms["answer_form"] = form
    if not form.is_valid():
        return None
    try:
        check = identity.verify_security_answer(
            staff=staff,
            person=person,
            channel=channel,
            question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return (
        _passed(request, person) if check.status == CheckStatus.PASSED else _failed(request, person)
    )


def _send_code(
    request: HttpRequest, staff: User, person: Person, channel: str, forms: dict[str, Any]
) -> HttpResponse | None:
    form = SendCodeForm(request.POST)
    method = form.data.get("method", "")
    try:
        identity.start_identity_check(staff=staff, person=person, channel=channel, method=method)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        where = "e-mail address" if method == CheckMethod.EMAIL_CODE else "telephone"
        messages.success(
            request,
            f"A six-digit code was sent to the {where} on record. Ask the caller to read it "
            f"out; it is valid for {identity.CODE_VALID.seconds // 60} minutes.",
        )
    return redirect("accounts:staff_identity_check", pk=person.pk)


def _check_code(
    request: HttpRequest, staff: User, person: Person, channel: str, forms: dict[str, Any]
) -> HttpResponse | None:
    form = CodeForm(request.POST)
    forms["code_form"] = form
    pending = _submitted_check(staff, person, str(form.data.get("check", "")))
    if pending is None:
        messages.error(request, "There is no code waiting: send a new code.")
        return redirect("accounts:staff_identity_check", pk=person.pk)
    if not form.is_valid():
        return None
    try:
        check = identity.decide_identity_check(
            check=pending, staff=staff, code=form.cleaned_data["code"]
        )
    except ValidationError as error:  # decided meanwhile, e.g. by a second submit
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:staff_identity_check", pk=person.pk)
    if check.status == CheckStatus.PENDING:
        left = MAX_CHECK_ATTEMPTS - check.attempts
        form.add_error("code", f"That code is not right. {left} attempt(s) left.")
        return None
    if check.status == CheckStatus.EXPIRED:
        minutes = identity.CODE_VALID.seconds // 60
        messages.error(
            request, f"That code expired (codes are valid {minutes} minutes): send a new code."
        )
        return redirect("accounts:staff_identity_check", pk=person.pk)
    return (
        _passed(request, person) if check.status == CheckStatus.PASSED else _failed(request, person)
    )


def _submitted_check(staff: User, person: Person, check_id: str) -> IdentityCheck | None:
    """The code check the form was shown for (so a second submit finds it decided), or the
    one pending now when the form names none."""
    if not check_id.isdigit():
        return identity.pending_check(staff=staff, person=person)
    checks = IdentityCheck.objects.filter(staff=staff, person=person)
    return checks.filter(pk=int(check_id), method__in=identity.CODE_METHODS).first()


CHECK_ACTIONS: dict[str, CheckAction] = {
    "answer": _check_answer,
    "send": _send_code,
    "code": _check_code,
}


# -- telephone intake (COL-2) -----------------------------------------------------------------


@staff_page(purpose=CUSTOMER_PURPOSE)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """A caller's new account: a person's, or an organisation's with ``?kind=organisation``."""
    kind = CustomerKind.ORGANISATION if request.GET.get("kind") == "organisation" else "individual"
    form = IntakeForm(request.POST or None, policy=publish_policy(), kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            account = open_account_by_telephone(
                staff=staff_user(request),
                kind=kind,
                details=form.details(),
                policy_version=form.policy,
                organisation=form.organisation_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Account {account.number} opened by telephone. A link to choose a password "
                "was sent to the e-mail address given.",
            )
            return redirect("accounts:staff_customer", number=account.number)
    context = {"form": form, "policy": form.policy, "kind": kind, "kinds": CustomerKind}
    return render(request, "accounts/staff/intake.html", context)


@staff_page(purpose=CUSTOMER_PURPOSE)
@require_http_methods(["GET", "POST"])
def intake_update(request: HttpRequest, pk: Any) -> HttpResponse:
    person = person_or_404(pk)
    staff = staff_user(request)
    if not identity.has_passed_check(staff=staff, person=person):
        messages.error(request, "Check the caller's identity before changing their details.")
        return redirect("accounts:staff_identity_check", pk=person.pk)
    if request.method == "POST":
        return _save_update(request, staff, person, PersonUpdateForm(request.POST, person=person))
    view_person_for_update(staff=staff, person=person)
    channel = current_channel(request)
    initial = {"channel": channel if identity.needs_check(channel) else Channel.TELEPHONE}
    form = PersonUpdateForm(initial=initial | person_initial(person), person=person)
    return _update_page(request, form, person)


def _update_page(request: HttpRequest, form: PersonUpdateForm, person: Person) -> HttpResponse:
    context = {"form": form, "person": person, "customer": person.customer}
    return render(request, "accounts/staff/intake_update.html", context)


def _save_update(
    request: HttpRequest, staff: User, person: Person, form: PersonUpdateForm
) -> HttpResponse:
    if not form.is_valid():
        return _update_page(request, form, person)
    channel = form.cleaned_data["channel"]
    try:
        changed = update_person_by_telephone(
            staff=staff, person=person, changes=form.changes(), channel=channel
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _update_page(request, form, person)
    if changed:
        saved = plural(len(changed), "change")
        messages.success(request, f"Saved {saved}; the customer's history shows them.")
    if form.changes()["email"].strip().casefold() != str(person.email).casefold():
        messages.info(request, "A link went to the new e-mail address: it changes when opened.")
    elif not changed:
        messages.info(request, "Nothing changed.")
    return redirect("accounts:staff_customer", number=person.customer.number)


# -- password reset through a support ticket (CTL-2) ------------------------------------------


@staff_page(purpose=CUSTOMER_PURPOSE)
@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest, pk: Any) -> HttpResponse:
    person = person_or_404(pk)
    if request.method == "POST":
        try:
            reset_password_by_ticket(staff=staff_user(request), person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "A password reset link was sent to the e-mail address on record."
            )
        return redirect("accounts:staff_customer", number=person.customer.number)
    return render(
        request,
        "accounts/staff/reset_password.html",
        {"form": ResetPasswordForm(), "person": person, "customer": person.customer},
    )


# -- unauthorised-use reports (SEC-3) ---------------------------------------------------------

REPORT_FILTERS = {
    "unresolved": (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED),
    "open": (ReportStatus.OPEN,),
    "acknowledged": (ReportStatus.ACKNOWLEDGED,),
    "resolved": (ReportStatus.RESOLVED,),
    "all": tuple(ReportStatus.values),
}


@staff_page(purpose=REPORT_PURPOSE)
@require_http_methods(["GET"])
def reports(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("status", "unresolved")
    statuses = REPORT_FILTERS.get(shown, REPORT_FILTERS["unresolved"])
    rows = UnauthorisedUseReport.objects.filter(status__in=statuses).select_related(
        "customer", "handled_by"
    )
    return render(
        request,
        "accounts/staff/reports.html",
        {"page": paginate(request, rows), "shown": shown, "filters": list(REPORT_FILTERS)},
    )


@staff_page(purpose=REPORT_PURPOSE)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: Any) -> HttpResponse:
    row = get_object_or_404(
        UnauthorisedUseReport.objects.select_related("customer", "handled_by"), pk=pk
    )
    form = ReportForm(request.POST or None, current=row.status)
    if request.method == "POST" and form.is_valid():
        try:
            handle_report(report=row, to=form.cleaned_data["status"], staff=staff_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The report is updated; the customer's log shows it.")
        return redirect("accounts:staff_report", pk=row.pk)
    row = view_report(staff=staff_user(request), report=row)
    return render(request, "accounts/staff/report.html", {"report": row, "form": form})


# -- account status ---------------------------------------------------------------------------


@staff_page(purpose=STATUS_PURPOSE)
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, number: str) -> HttpResponse:
    account = get_object_or_404(Customer, number=number)
    form = StatusForm(request.POST or None, current=account.status)
    if request.method == "POST" and form.is_valid():
        try:
            change_status_by_staff(
                staff=staff_user(request),
                customer=account,
                to=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Account {account.number} is now {account.status}.")
            return redirect("accounts:staff_customer", number=account.number)
    return render(request, "accounts/staff/status.html", {"form": form, "customer": account})
