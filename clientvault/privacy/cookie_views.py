"""Cookie choices (COL-8): the page that lists every cookie and takes the visitor's answer, and
the Global Privacy Control support file.

The answer comes from a plain form (the banner on every page, or this page), so it works without
JavaScript; it is kept in the strictly necessary cookie ``cv_cookies`` and, for a signed-in
customer, in the consent ledger. A browser sending Global Privacy Control cannot accept
preference cookies: the signal has refused them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from clientvault.privacy.cookies import (
    GPC_LAST_UPDATE,
    CookieChoice,
    cookie_state,
    forget_preferences,
    registry,
    set_choice_cookie,
    signed_in_customer,
)
from clientvault.privacy.profile import current_profile
from clientvault.privacy.services.cookies import record_cookie_choice

ACCEPTED = (
    "You accepted preference cookies: the display choices you make, such as larger text, are "
    "now remembered in this browser."
)
REFUSED = (
    "You refused preference cookies: we set only the cookies the site needs to work, and every "
    "page works without the others."
)
GPC_HONOURED = (
    "Your browser sends the Global Privacy Control signal, which refuses preference cookies, so "
    "we did not set them. Turn the signal off in your browser first if you want them."
)


class CookieChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=CookieChoice.choices)
    next = forms.CharField(required=False, max_length=2000)


def _back_to(request: HttpRequest, target: str) -> str:
    """The page the answer was given on, if it is one of ours; else the cookies page."""
    ours = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ours and target.startswith("/") else reverse("privacy:cookies")


@require_http_methods(["GET", "HEAD", "POST"])
def cookies(request: HttpRequest) -> HttpResponseBase:
    """Every cookie we set, the visitor's answer as it stands, and the form to change it."""
    form = CookieChoiceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return _choose(request, form.cleaned_data["choice"], form.cleaned_data["next"])
    context = {
        "state": cookie_state(request),
        "cookies": registry(),
        "customer": signed_in_customer(request) is not None,
        "partners_offered": current_profile().partners != "never",
        "form": form,
    }
    return render(request, "privacy/cookies.html", context, status=400 if form.errors else 200)


def _choose(request: HttpRequest, choice: str, target: str) -> HttpResponse:
    back = _back_to(request, target)
    accepted = choice == CookieChoice.ACCEPTED
    if accepted and cookie_state(request).gpc:
        messages.error(request, GPC_HONOURED)
        return redirect(back)
    subject_id = signed_in_customer(request)
    if subject_id is not None:
        record_cookie_choice(subject_id=subject_id, accepted=accepted, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, ACCEPTED if accepted else REFUSED)
    response = redirect(back)
    set_choice_cookie(response, choice)
    if not accepted:
        forget_preferences(request, response)
    return response


@require_safe
def gpc_support(request: HttpRequest) -> JsonResponse:
    """``/.well-known/gpc.json``: the site honours Global Privacy Control (GPC spec, section 5)."""
    return JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE.isoformat()})
