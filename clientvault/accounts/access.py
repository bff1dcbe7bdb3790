"""Who may reach what: every customer-reachable object is fetched through its owner.

- ``person_required(permission)`` gives a view the signed-in person; anyone without a person
  record gets 404, an authorised user lacking ``permission`` gets 403.
- ``owned(queryset, person, **lookup)`` fetches an object through the person's own account and
  answers 404 to everyone else.
- ``staff_required(*roles)`` demands a staff login that passed its second factor and, when roles
  are given, belongs to one of them.
- ``staff_purpose_required(view, purpose=, refusal=)`` demands a staff login that passed its
  second factor and whose roles the policy profile grants ``purpose``: how the apps above
  accounts (rights, legal, incidents) guard their back-office pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from clientvault.accounts.models import Person
from clientvault.privacy.actors import actor_roles
from clientvault.privacy.profile import current_profile

P = ParamSpec("P")
M = TypeVar("M", bound=Model)
PersonView = Callable[Concatenate[HttpRequest, Person, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def current_person(request: HttpRequest) -> Person:
    user = request.user
    if not user.is_authenticated or user.is_staff:
        raise Http404("no customer account")
    person = Person.objects.select_related("customer", "subject").filter(user=user).first()
    if person is None:
        raise Http404("no customer account")
    return person


def person_required(permission: str | None = None) -> Callable[[PersonView[P]], View[P]]:
    def decorator(view: PersonView[P]) -> View[P]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            person = current_person(request)
            if permission is not None and not person.may(permission):
                raise PermissionDenied(f"your account role does not include {permission}")
            return view(request, person, *args, **kwargs)

        return cast("View[P]", wrapped)

    return decorator


def owned(queryset: QuerySet[M], person: Person, **lookup: Any) -> M:
    """The object if it belongs to the person's account; 404 for anyone else's."""
    obj = queryset.filter(customer=person.customer, **lookup).first()
    if obj is None:
        raise Http404("not found")
    return obj


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def staff_required(*roles: str) -> Callable[[View[P]], View[P]]:
    def decorator(view: View[P]) -> View[P]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not user.is_staff:
                raise Http404("not found")
            if not is_verified(request):
                return redirect("accounts:two_factor")
            if roles and not user.groups.filter(name__in=roles).exists() and not user.is_superuser:
                raise PermissionDenied("your staff role does not allow this")
            return view(request, *args, **kwargs)

        return cast("View[P]", wrapped)

    return decorator


def staff_purpose_required(view: View[P], *, purpose: str, refusal: str) -> View[P]:
    """``view`` for a staff login past its second factor whose roles are granted ``purpose``;
    other staff get 403 with ``refusal``, everyone else 404 (or the sign-in page)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        if not user.is_staff:
            raise Http404("not found")
        if not is_verified(request):
            return redirect("accounts:two_factor")
        if purpose not in current_profile().purposes_for(actor_roles(user)):
            raise PermissionDenied(refusal)
        return view(request, *args, **kwargs)

    return cast("View[P]", wrapped)
