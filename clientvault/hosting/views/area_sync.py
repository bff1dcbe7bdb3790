"""After a profile change: the domain contacts copied from the profile, brought up to date.

Offered on the profile page (``accounts.followups``) when a contact copied from the person's
profile no longer matches it; one button updates them all and tells the registrar.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clientvault.accounts.access import person_required
from clientvault.accounts.followups import FollowUp
from clientvault.accounts.models import Permission, Person
from clientvault.accounts.views.area import acting_user
from clientvault.hosting.errors import HostingError
from clientvault.hosting.services.contacts import (
    domains_using,
    stale_copies,
    update_copies_from_profile,
)


def follow_ups(person: Person) -> list[FollowUp]:
    """The profile page's offer, for a person who manages the account's domains."""
    if not person.may(Permission.DOMAINS) or not stale_copies(person):
        return []
    return [
        FollowUp(
            text="Your domains' contact details still show your previous details.",
            url=reverse("hosting:domain_contacts_sync"),
            label="Update them at the registrar",
        )
    ]


@require_http_methods(["GET", "POST"])
@person_required(Permission.DOMAINS)
def contacts_sync(request: HttpRequest, person: Person) -> HttpResponse:
    stale = stale_copies(person)
    if request.method == "POST" and stale:
        try:
            count = update_copies_from_profile(person=person, actor=acting_user(request))
        except HostingError as error:
            messages.error(request, f"Nothing was updated: {error.text}")
            return redirect("hosting:domain_contacts_sync")
        messages.success(
            request,
            f"Updated {count} domain contact{'s' if count > 1 else ''}; "
            "the registrar is being told.",
        )
        return redirect("accounts:profile")
    rows = [(contact, domains_using(contact)) for contact in stale]
    return render(request, "hosting/area/contacts_sync.html", {"person": person, "rows": rows})
