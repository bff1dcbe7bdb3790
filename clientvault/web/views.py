from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clientvault.privacy.profile import current_profile
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
