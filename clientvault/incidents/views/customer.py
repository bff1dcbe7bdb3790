"""The customer's security notices: the breach notices addressed to them (GDPR Art. 34)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientvault.accounts.access import person_required
from clientvault.incidents.queries import notices_of


@require_GET
@person_required()
def security_notices(request: HttpRequest, person: Any) -> HttpResponse:
    """Only the signed-in person's own notices are read (their subject)."""
    context = {"notices": notices_of(person.subject_id)}
    return render(request, "incidents/security_notices.html", context)
