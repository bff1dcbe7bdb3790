"""The customer's payment methods: the list, adding a card or wallet through the gateway's
hosted form (and coming back from it), a SEPA Direct Debit mandate, the default, removal.

Every page needs the billing permission (the owner has it); every method is found through the
person's own account (``owned``), so anyone else's answers 404. A card number is never typed
here: "Add a card" sends the browser to the gateway's own page, which sends it back to the
return page with clientvault's session id; the method is then read from the gateway, server to
server (``services.methods``).
"""

from __future__ import annotations

import urllib.parse
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientvault.accounts.access import owned, person_required
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.billing.errors import BillingError
from clientvault.billing.forms.methods import AddHostedMethodForm, SepaMandateForm
from clientvault.billing.models import (
    BillingAccount,
    Currency,
    MethodStatus,
    PaymentMethod,
    SetupSession,
)
from clientvault.billing.services.methods import (
    SESSION_PLACEHOLDER,
    add_bank_account,
    finish_adding_method,
    remove_method,
    set_default_method,
    start_adding_method,
)
from clientvault.privacy.profile import current_profile

BILLING = Permission.BILLING
# Where each gateway's hosted form lives: the list page's forms lead there (after our own
# redirect), so its Content-Security-Policy must allow that origin in ``form-action``.
STRIPE_CHECKOUT = "https://checkout.stripe.com"


def hosted_form_origin() -> str:
    if settings.PAYMENT_GATEWAY == "stripe":
        return STRIPE_CHECKOUT
    parts = urllib.parse.urlsplit(settings.TEST_GATEWAY_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _methods(person: Person) -> list[PaymentMethod]:
    active = PaymentMethod.objects.filter(customer=person.customer, status=MethodStatus.ACTIVE)
    return list(active.order_by("-is_default", "-created_at", "-pk"))


def _currency(person: Person) -> str:
    """The account's currency (its billing settings are made on first need, not by a look)."""
    account = BillingAccount.objects.filter(customer=person.customer).first()
    return account.currency if account else current_profile().billing.currency


@require_safe
@person_required(BILLING)
def methods(request: HttpRequest, person: Person) -> HttpResponse:
    context = {
        "person": person,
        "methods": _methods(person),
        "cancelled": request.GET.get("cancelled") == "1",
    }
    response = render(request, "billing/methods.html", context)
    # read by clientvault.web.middleware: "Add a card" leads to the gateway's own origin
    response.form_action_origins = [hosted_form_origin()]  # type: ignore[attr-defined]
    return response


@require_POST
@person_required(BILLING)
def method_add(request: HttpRequest, person: Person) -> HttpResponse:
    """Open a setup at the gateway and send the browser to its hosted form."""
    form = AddHostedMethodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a card or a wallet to add.")
        return redirect("billing:methods")
    placeholder = uuid.UUID(int=0)
    back = reverse("billing:method_return", args=[placeholder])
    return_url = request.build_absolute_uri(back).replace(str(placeholder), SESSION_PLACEHOLDER)
    cancel_url = request.build_absolute_uri(reverse("billing:methods")) + "?cancelled=1"
    try:
        url = start_adding_method(
            person=person,
            kind=form.cleaned_data["kind"],
            return_url=return_url,
            cancel_url=cancel_url,
            actor=acting_user(request),
        )
    except BillingError as error:
        messages.error(request, error.text)
        return redirect("billing:methods")
    return HttpResponseRedirect(url, status=303)


@require_safe
@person_required(BILLING)
def method_return(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    """Where the gateway sends the browser back: the method is read from the gateway."""
    session = owned(SetupSession.objects.all(), person, pk=pk)
    try:
        method = finish_adding_method(
            person=person, session_id=session.pk, actor=acting_user(request)
        )
    except BillingError as error:
        context = {"person": person, "session": session, "problem": error.text}
        return render(request, "billing/method_return.html", context)
    default = " It is your default payment method." if method.is_default else ""
    messages.success(request, f"{method.label} is added.{default}")
    return redirect("billing:methods")


@sensitive_post_parameters("iban")
@require_http_methods(["GET", "POST"])
@person_required(BILLING)
def method_sepa(request: HttpRequest, person: Person) -> HttpResponse:
    operator = current_profile().operator_name
    form = SepaMandateForm(request.POST or None, operator=operator)
    if request.method == "POST" and form.is_valid():
        try:
            method = add_bank_account(
                person=person,
                iban=form.cleaned_data["iban"],
                holder_name=form.cleaned_data["holder_name"],
                actor=acting_user(request),
            )
        except BillingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, f"{method.label} is added.")
            return redirect("billing:methods")
    context = {
        "person": person,
        "form": form,
        "euro": _currency(person) == Currency.EUR,
        "currency": Currency(_currency(person)).label,
    }
    return render(request, "billing/method_sepa.html", context)


def _active_method(person: Person, pk: int) -> PaymentMethod:
    queryset = PaymentMethod.objects.filter(status=MethodStatus.ACTIVE)
    return owned(queryset, person, pk=pk)


@require_POST
@person_required(BILLING)
def method_default(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    method = _active_method(person, pk)
    try:
        set_default_method(method=method, actor=acting_user(request))
    except BillingError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, f"{method.label} is now your default payment method.")
    return redirect("billing:methods")


@require_http_methods(["GET", "POST"])
@person_required(BILLING)
def method_remove(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    method = _active_method(person, pk)
    problem = ""
    if request.method == "POST":
        try:
            remove_method(method=method, actor=acting_user(request))
        except BillingError as error:
            problem = error.text
        else:
            messages.success(request, f"{method.label} is removed.")
            return redirect("billing:methods")
    others = [m for m in _methods(person) if m.pk != method.pk]
    context = {
        "person": person,
        "method": method,
        "successor": others[0] if others else None,
        "problem": problem,
    }
    return render(request, "billing/method_remove.html", context)
