"""Who may reach the rights pages, without reading the accounts app's models.

- ``customer_required`` gives a view the signed-in customer's :class:`Identity` (from the
  kernel's directory); staff and logins without an account get 404.
- ``staff_required`` demands a staff login that passed its second factor and whose roles are
  granted ``legal_obligation`` (the privacy officer, by default), through the accounts app's
  ``staff_purpose_required``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from clientvault.accounts.access import staff_purpose_required
from clientvault.privacy.directory import Identity, directory
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
IdentityView = Callable[Concatenate[HttpRequest, Identity, P], HttpResponse]
STAFF_PURPOSE = Purpose.LEGAL_OBLIGATION


def customer_required(view: IdentityView[P]) -> View[P]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        identity = directory().identify(request.user)
        if identity is None:
            raise Http404("no customer account")
        return view(request, identity, *args, **kwargs)

    return cast("View[P]", wrapped)


def ask_password(request: HttpRequest, then: str = "") -> HttpResponse | None:
    """A redirect to type the password again (then back to ``then``, by default this page),
    unless it was typed in the last minutes."""
    if directory().password_recent(request.session):
        return None
    query = urlencode({"next": then or request.get_full_path()})
    return redirect(f"{reverse('accounts:reauth')}?{query}")


def staff_required(view: View[P]) -> View[P]:
    return staff_purpose_required(
        view, purpose=STAFF_PURPOSE, refusal="your staff role does not handle privacy requests"
    )
