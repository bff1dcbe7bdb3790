"""Authorised users (COL-5): the people on the account, invitations, permissions, removal.

Managing people needs the ``contacts`` permission (the owner has every permission). Joining by
invitation is open to whoever holds the link that went to the invited address.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientvault.accounts.access import owned, person_required
from clientvault.accounts.forms.users import AcceptInvitationForm, InviteForm, PermissionsForm
from clientvault.accounts.forms_common import add_service_errors
from clientvault.accounts.models import Invitation, Permission, Person, PersonRole
from clientvault.accounts.services.people import (
    accept_invitation,
    account_people,
    find_invitation,
    invite_user,
    pending_invitations,
    permission_labels,
    remove_person,
    revoke_invitation,
    set_permissions,
)
from clientvault.accounts.views.area import acting_user, paginate, sign_in_new_login
from clientvault.privacy.services.policy import publish_policy

CONTACTS = Permission.CONTACTS


def _teammate(manager: Person, pk: UUID) -> Person:
    """An authorised user still on the manager's account; 404 for anyone else."""
    people = Person.objects.filter(role=PersonRole.AUTHORISED_USER, user__isnull=False)
    return owned(people.select_related("customer", "user", "subject"), manager, pk=pk)


@require_safe
@person_required(CONTACTS)
def users(request: HttpRequest, person: Person) -> HttpResponse:
    page = paginate(request, account_people(customer=person.customer))
    context = {
        "person": person,
        "page": page,
        "people": [(someone, permission_labels(someone.permissions)) for someone in page],
        "invitations": pending_invitations(customer=person.customer).order_by("-created_at"),
    }
    return render(request, "accounts/area/users.html", context)


@require_http_methods(["GET", "POST"])
@person_required(CONTACTS)
def user_invite(request: HttpRequest, person: Person) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_user(
                customer=person.customer,
                email=form.cleaned_data["email"],
                permissions=form.cleaned_data["permissions"],
                actor=acting_user(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("permissions", str(denied))
        else:
            messages.success(request, "Invitation sent. The link works for 7 days.")
            return redirect("accounts:users")
    return render(request, "accounts/area/user_invite.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
@person_required(CONTACTS)
def user_edit(request: HttpRequest, person: Person, pk: UUID) -> HttpResponse:
    teammate = _teammate(person, pk)
    initial = {"permissions": teammate.permissions}
    form = PermissionsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_permissions(
                person=teammate,
                permissions=form.cleaned_data["permissions"],
                actor=acting_user(request),
            )
        except (ValidationError, PermissionDenied) as problem:
            form.add_error(None, _message(problem))
        else:
            messages.success(request, "Permissions saved.")
            return redirect("accounts:users")
    context = {"person": person, "teammate": teammate, "form": form}
    return render(request, "accounts/area/user_edit.html", context)


@require_http_methods(["GET", "POST"])
@person_required(CONTACTS)
def user_remove(request: HttpRequest, person: Person, pk: UUID) -> HttpResponse:
    teammate = _teammate(person, pk)
    problem = ""
    if request.method == "POST":
        try:
            remove_person(person=teammate, actor=acting_user(request))
        except (ValidationError, PermissionDenied) as error:
            problem = _message(error)
        else:
            messages.success(request, "The user is removed and signed out everywhere.")
            return redirect("accounts:users")
    context = {"person": person, "teammate": teammate, "problem": problem}
    return render(request, "accounts/area/user_remove.html", context)


def _message(problem: ValidationError | PermissionDenied) -> str:
    if isinstance(problem, ValidationError):
        return " ".join(problem.messages)
    return str(problem)


@require_POST
@person_required(CONTACTS)
def invitation_revoke(request: HttpRequest, person: Person, pk: UUID) -> HttpResponse:
    invitation = owned(Invitation.objects.all(), person, pk=pk)
    revoke_invitation(invitation=invitation, actor=acting_user(request))
    messages.success(request, "The invitation is withdrawn: its link no longer works.")
    return redirect("accounts:users")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join an account by invitation, with one's own data and login (COL-5)."""
    invitation = find_invitation(token=token)
    if invitation is None or request.user.is_authenticated:
        response = render(
            request,
            "accounts/area/invitation_unusable.html",
            {"signed_in": request.user.is_authenticated},
            status=404 if invitation is None else 200,
        )
        return _no_referrer(response)
    policy = publish_policy()
    form = AcceptInvitationForm(request.POST or None, invitation=invitation, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            accept_invitation(
                token=token,
                details=form.person_data(),
                policy_version=policy,
                **form.login_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return sign_in_new_login(request, **form.login_data())
    context = {"form": form, "invitation": invitation, "policy": policy}
    return _no_referrer(render(request, "accounts/area/invitation_accept.html", context))


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The link's token is in the URL: keep it out of Referer headers sent to other sites.

    ``same-origin``, not ``no-referrer``: with the latter, browsers send ``Origin: null`` on
    the page's own form post, which Django's CSRF check rightly refuses.
    """
    response.headers["Referrer-Policy"] = "same-origin"
    return response
