from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from clientvault.privacy.profile import current_profile
from clientvault.web.display import LARGE, STANDARD, back_to, remember_text_size
from clientvault.web.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    """Who the host is (the operator of the policy profile), and the way to sign in or sign up."""
    return render(request, "web/home.html", {"profile": current_profile()})


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the key store and the job queue all answer; 503 naming the rest."""
    health = run_checks()
    return JsonResponse(health.as_json(), status=200 if health.ok else 503)


class TextSizeForm(forms.Form):
    size = forms.ChoiceField(choices=[(LARGE, "Larger text"), (STANDARD, "Standard text")])
    next = forms.CharField(required=False, max_length=2000)


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """The footer's text size switch: remembered in a preference cookie, if they are accepted."""
    form = TextSizeForm(request.POST)
    if not form.is_valid():
        return redirect(back_to(request, request.POST.get("next", "")))
    return remember_text_size(request, form.cleaned_data["size"], form.cleaned_data["next"])
