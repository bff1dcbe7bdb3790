"""Who may reach the incident pages, without importing the accounts app's models.

``staff_required`` demands a staff login that passed its second factor and whose roles are
granted the ``security`` purpose in the policy profile.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from clientvault.privacy.actors import actor_roles
from clientvault.privacy.profile import current_profile
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
STAFF_PURPOSE = Purpose.SECURITY


def _verified(request: HttpRequest) -> bool:
    check: Any = getattr(request.user, "is_verified", None)
    return bool(check and check())


def staff_required(view: View[P]) -> View[P]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user: Any = request.user
        if not user.is_staff:
            raise Http404("not found")
        if not _verified(request):
            return redirect("accounts:two_factor")
        if STAFF_PURPOSE not in current_profile().purposes_for(actor_roles(user)):
            raise PermissionDenied("your staff role does not handle security incidents")
        return view(request, *args, **kwargs)

    return cast("View[P]", wrapped)
