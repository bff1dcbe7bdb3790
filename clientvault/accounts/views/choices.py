"""The customer's choices (CTL-4, SHR-3): news and offers, and partner sharing where the policy
profile offers it, changed at any time and kept in the consent ledger with their history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clientvault.accounts.access import person_required
from clientvault.accounts.forms.choices import ChoicesForm
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import Person
from clientvault.accounts.services.choices import (
    LABELS,
    change_choices,
    choice_history,
    offered_purposes,
    person_choices,
)
from clientvault.accounts.views.area import acting_user, paginate
from clientvault.privacy.models import ConsentSource
from clientvault.privacy.taxonomy import Purpose


@require_http_methods(["GET", "POST"])
@person_required()
def choices(request: HttpRequest, person: Person) -> HttpResponse:
    """The person's own choices, as they stand and as they were; one service call to change."""
    current = person_choices(person=person)
    form = ChoicesForm(request.POST if request.method == "POST" else None, choices=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = change_choices(
                person=person,
                choices=form.chosen(),
                actor=acting_user(request),
                source=ConsentSource.FORM,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved(changed))
            return redirect("accounts:choices")
    page = paginate(request, choice_history(person=person))
    context = {
        "person": person,
        "form": form,
        "choices": current,
        "partners_never": Purpose.PARTNER_SHARING not in offered_purposes(person),
        "page": page,
        "rows": [{"record": record, "label": LABELS[record.purpose]} for record in page],
    }
    return render(request, "accounts/area/choices.html", context)


def _saved(changed: list[str]) -> str:
    if not changed:
        return "Nothing changed: your choices are as they were."
    return "Saved: " + ", ".join(LABELS[purpose].lower() for purpose in changed) + "."
