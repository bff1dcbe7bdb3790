"""``reauth_required``: ask for the password again before a sensitive change.

Views that change the e-mail address, the password, the second factor or the security answers
use it after ``login_required`` or ``person_required``::

    @person_required()
    @reauth_required
    def change_email(request, person): ...

``reauth_before_post`` asks for it only before a POST (making an API token), so the page
itself can be read without it.

The password counts as recent for five minutes after it was typed (at sign-in or on the
confirmation page, ``accounts:reauth``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from clientvault.accounts.services.sessions import recently_authenticated

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def with_next(view: str, next_url: str) -> str:
    """The URL of ``view`` with ``next_url`` as the page to go on to."""
    return f"{reverse(view)}?{urlencode({'next': next_url})}"


def reauth_required(view: View[P]) -> View[P]:
    """The password must have been typed in the last five minutes, else ask for it again.

    Use after ``login_required`` (or ``person_required``) on views that change the e-mail
    address, the password, the second factor or the security answers.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        return _ask_password(request) or view(request, *args, **kwargs)

    return cast(View[P], wrapped)


def reauth_before_post(view: View[P]) -> View[P]:
    """Like :func:`reauth_required`, for the POST only: the page itself may be read freely.

    For pages that list things and make a new one, such as the API tokens page.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        refusal = _ask_password(request) if request.method == "POST" else None
        return refusal or view(request, *args, **kwargs)

    return cast(View[P], wrapped)


def _ask_password(request: HttpRequest) -> HttpResponse | None:
    """Where to go first when the password was not typed in the last five minutes, or None."""
    if not request.user.is_authenticated:
        return redirect(with_next("accounts:login", request.get_full_path()))
    if not recently_authenticated(request.session):
        messages.info(request, "Please type your password again to continue.")
        return redirect(with_next("accounts:reauth", request.get_full_path()))
    return None
