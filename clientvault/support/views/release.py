"""Releasing a ticket's content outside (SHR-6), for staff with the legal-obligation purpose.

The register decides: a refused release shows its reason and reads nothing; an allowed one is
recorded, then the ticket's texts (staff notes left out) are downloaded as plain text.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.views.staff import staff_page, staff_user
from clientvault.privacy.services.disclosures import DisclosureRefused
from clientvault.privacy.taxonomy import Purpose
from clientvault.support.forms.release import ReleaseForm
from clientvault.support.models import Ticket
from clientvault.support.services.release import release_ticket


@staff_page(purpose=Purpose.LEGAL_OBLIGATION)
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_object_or_404(Ticket, number=number)
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = release_ticket(ticket=ticket, actor=staff_user(request), **form.cleaned_data)
        except DisclosureRefused as refused:
            form.add_error(None, f"The register refuses this release: {refused}.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = HttpResponse(done.text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{ticket.number}.txt"'
            return response
    return render(request, "support/release/release.html", {"ticket": ticket, "form": form})
