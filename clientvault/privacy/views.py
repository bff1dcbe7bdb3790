"""The public privacy policy (POL-1): the current version, the list of versions, each version."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clientvault.privacy.models import PolicyVersion
from clientvault.privacy.services.policy import publish_policy, superseded_by


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    """The policy in force, published first as a new version if the rendered content changed."""
    version = publish_policy()
    return render(request, "privacy/policy.html", {"version": version, "current": True})


@require_safe
def versions(request: HttpRequest) -> HttpResponse:
    """Every published version, newest first (publishing the current one first if needed)."""
    publish_policy()
    listing = PolicyVersion.objects.order_by("-number").defer("html")
    return render(request, "privacy/versions.html", {"versions": listing})


@require_safe
def version(request: HttpRequest, number: int) -> HttpResponse:
    publish_policy()
    found = PolicyVersion.objects.filter(number=number).first()
    if found is None:
        raise Http404(f"There is no version {number} of the privacy policy.")
    context = {"version": found, "superseded_by": superseded_by(found), "current": False}
    return render(request, "privacy/policy.html", context)
