"""API authentication by personal tokens, and the customer's own endpoints under ``/api/v1``.

- ``GET /me``: the token's user (customers and staff).
- ``/profile``, ``/users``, ``/sessions``: the customer's own record, the people on the account
  and the signed-in sessions. They need a person on a customer account: a staff token gets 404.

Each operation declares what the caller needs where it is defined (``openapi_extra=needs(...)``),
published in the schema as ``x-clientvault-permission``: a permission on the account
(``contacts``...), ``any-member`` (any person on a customer account) or ``own-login`` (any valid
token, staff included). The access walk (tests/accounts/test_access_walk_api.py) reads it from
/api/v1/openapi.json, fails for an operation without one, and checks that it is enforced.

Endpoints validate and hand the work to one service; the API's exception handlers
(clientvault/api.py) turn ``ValidationError`` into 422 naming each field, ``PermissionDenied``
into 403 and ``Http404`` into 404. Objects are fetched through the token user's own account or
login, so another account's id answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PaginationBase, paginate
from ninja.security import HttpBearer

from clientvault.accounts.access import current_person, owned
from clientvault.accounts.models import (
    ApiToken,
    Channel,
    Invitation,
    Permission,
    Person,
    User,
    UserSession,
)
from clientvault.accounts.schemas import (
    Error,
    InvitationIn,
    InvitationOut,
    PermissionsIn,
    ProfileOut,
    ProfilePatch,
    SessionOut,
    SessionsEnded,
    UserOut,
    ValidationErrors,
)
from clientvault.accounts.services import find_api_token
from clientvault.accounts.services.customers import update_person
from clientvault.accounts.services.people import (
    account_people,
    invite_user,
    remove_person,
    set_permissions,
)
from clientvault.accounts.services.sessions import end_session, sign_out_everywhere

router = Router(tags=["me"])
profile_router = Router(tags=["profile"])
users_router = Router(tags=["users"])
sessions_router = Router(tags=["sessions"])

PAGE_SIZE = 25
MAX_PAGE = 100_000  # past every real list; a larger number is refused, never sent to the database
PERMISSION_KEY = "x-clientvault-permission"
ANY_MEMBER = "any-member"  # any person on a customer account; no permission needed
OWN_LOGIN = "own-login"  # the token's own login, whoever it is (staff included)
EMAIL_OVER_API = (
    "The e-mail address cannot be changed through the API: changing it needs you to confirm "
    "your password again, which a token cannot do. Change it on the profile page of the "
    "customer area."
)


def needs(requirement: str) -> dict[str, str]:
    """An operation's ``openapi_extra``: a Permission, ``ANY_MEMBER`` or ``OWN_LOGIN``."""
    known = {*Permission.values, ANY_MEMBER, OWN_LOGIN}
    if requirement not in known:
        raise ValueError(f"{requirement!r} is not a permission, ANY_MEMBER or OWN_LOGIN")
    return {PERMISSION_KEY: str(requirement)}


def listed_ids(parameter: str, *operation_ids: str) -> dict[str, Any]:
    """OpenAPI links from a list's first item to the operations taking its id as ``parameter``
    (clients, and schemathesis' stateful tests, follow them)."""
    links = {
        operation_id: {
            "operationId": operation_id,
            "parameters": {parameter: "$response.body#/items/0/id"},
        }
        for operation_id in operation_ids
    }
    return {"responses": {200: {"links": links}}}


def requirement_text(requirement: str) -> str:
    """What a declared requirement means, as the API docs show it on each operation."""
    if requirement == OWN_LOGIN:
        return "any valid token, staff included."
    if requirement == ANY_MEMBER:
        return "a token of a person on a customer account (the owner or an authorised user)."
    label = Permission(requirement).label
    return (
        f"the `{requirement}` permission ({label}) on the account; the owner has every permission."
    )


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer cv_<prefix>_<secret>``. Every failure is the same 401."""

    openapi_bearerFormat = "cv_<prefix>_<secret>"
    openapi_description = "A personal API token, shown once when it is created."

    def __call__(self, request: HttpRequest) -> User | None:
        # Ninja's own parsing logs a malformed header verbatim under DEBUG; a header may hold a
        # token, so it is parsed here without logging.
        scheme, _, raw = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = find_api_token(token)
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.user
        return found.user


def request_token(request: HttpRequest) -> ApiToken:
    """The token that authenticated this API request."""
    token: ApiToken = getattr(request, "api_token")  # noqa: B009
    return token


def request_user(request: HttpRequest) -> User:
    return request_token(request).user


def api_person(request: HttpRequest, permission: str | None = None) -> Person:
    """The token user's person; 404 without one (staff), 403 when ``permission`` is missing."""
    person = current_person(request)
    if permission is not None and not person.may(permission):
        raise PermissionDenied(
            f"This needs the {permission} permission ({Permission(permission).label}) on "
            "the account; ask the account owner for it."
        )
    return person


class PageOf25(PaginationBase):
    """Page-number pagination with a fixed page size of 25."""

    class Input(PaginationBase.Input):
        page: int = Field(
            1,
            ge=1,
            le=MAX_PAGE,
            description=f"Page number, from 1 to {MAX_PAGE}; {PAGE_SIZE} items a page.",
        )

    class Output(PaginationBase.Output):
        count: int = Field(description="How many items there are on all pages together.")
        page: int
        page_size: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = (pagination.page - 1) * PAGE_SIZE
        return {
            "items": queryset[start : start + PAGE_SIZE],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": PAGE_SIZE,
        }


# --- me ---------------------------------------------------------------------------------------


class MeOut(Schema):
    id: UUID
    username: str
    is_staff: bool
    token_expires_at: datetime


@router.get(
    "/me", response=MeOut, summary="The user this token belongs to", openapi_extra=needs(OWN_LOGIN)
)
def me(request: HttpRequest) -> MeOut:
    token = request_token(request)
    user = token.user
    return MeOut(
        id=user.pk,
        username=user.username,
        is_staff=user.is_staff,
        token_expires_at=token.expires_at,
    )


# --- profile ----------------------------------------------------------------------------------


@profile_router.get(
    "/profile",
    response={200: ProfileOut, 404: Error},
    summary="Your own profile",
    operation_id="get_profile",
    openapi_extra=needs(ANY_MEMBER),
)
def get_profile(request: HttpRequest) -> ProfileOut:
    return ProfileOut.of(api_person(request))


@profile_router.patch(
    "/profile",
    response={200: ProfileOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="Correct, update or remove your own details",
    description="Every change is kept in your profile history, with the channel `api`. "
    "403 answers an attempt to change the e-mail address, which needs the customer area.",
    operation_id="update_profile",
    openapi_extra=needs(ANY_MEMBER),
)
def update_profile(request: HttpRequest, payload: ProfilePatch) -> ProfileOut:
    person = api_person(request)
    changes = _without_same_email(person, payload.model_dump(exclude_unset=True))
    update_person(person=person, changes=changes, actor=request_user(request), channel=Channel.API)
    return ProfileOut.of(person)


def _without_same_email(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, refusing a new e-mail address; the current one sent back is no change."""
    if "email" not in changes:
        return changes
    sent = str(changes.pop("email") or "").strip()
    if sent.casefold() != str(person.email).casefold():
        raise PermissionDenied(EMAIL_OVER_API)
    return changes


# --- users ------------------------------------------------------------------------------------


def _account_people(manager: Person) -> QuerySet[Person]:
    """The people on the manager's account now (removed people are no longer listed)."""
    people = account_people(customer=manager.customer).select_related("customer")
    return people.order_by("-role", "created_at", "pk")  # the owner first


def _teammate(manager: Person, person_id: UUID) -> Person:
    """A person on the manager's own account; 404 for anyone else's, or someone removed."""
    return owned(_account_people(manager), manager, pk=person_id)


@users_router.get(
    "/users",
    response={200: list[UserOut], 403: Error, 404: Error, 422: ValidationErrors},
    summary="The people on your account",
    description="The owner and the authorised users.",
    operation_id="list_users",
    openapi_extra={
        **needs(Permission.CONTACTS),
        **listed_ids("person_id", "set_user_permissions", "remove_user"),
    },
)
@paginate(PageOf25)
def list_users(request: HttpRequest) -> QuerySet[Person]:
    return _account_people(api_person(request, Permission.CONTACTS))


@users_router.post(
    "/users/invitations",
    response={201: InvitationOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="Invite an authorised user by e-mail",
    description="Sends an invitation to join the account with the given permissions.",
    operation_id="invite_user",
    openapi_extra=needs(Permission.CONTACTS),
)
def invite(request: HttpRequest, payload: InvitationIn) -> Status[Invitation]:
    manager = api_person(request, Permission.CONTACTS)
    invitation = invite_user(
        customer=manager.customer,
        email=payload.email,
        permissions=[p.value for p in payload.permissions],
        actor=request_user(request),
    )
    return Status(201, invitation)


@users_router.patch(
    "/users/{person_id}",
    response={200: UserOut, 403: Error, 404: Error, 422: ValidationErrors},
    summary="Set an authorised user's permissions",
    description="Replaces the user's permissions.",
    operation_id="set_user_permissions",
    openapi_extra=needs(Permission.CONTACTS),
)
def update_user(request: HttpRequest, person_id: UUID, payload: PermissionsIn) -> UserOut:
    manager = api_person(request, Permission.CONTACTS)
    person = _teammate(manager, person_id)
    updated = set_permissions(
        person=person,
        permissions=[p.value for p in payload.permissions],
        actor=request_user(request),
    )
    return UserOut.of(updated)


@users_router.delete(
    "/users/{person_id}",
    response={204: None, 403: Error, 404: Error, 422: ValidationErrors},
    summary="Remove an authorised user from the account",
    operation_id="remove_user",
    openapi_extra=needs(Permission.CONTACTS),
)
def delete_user(request: HttpRequest, person_id: UUID) -> Status[None]:
    manager = api_person(request, Permission.CONTACTS)
    remove_person(person=_teammate(manager, person_id), actor=request_user(request))
    return Status(204, None)


# --- sessions ---------------------------------------------------------------------------------


def _sessions(request: HttpRequest) -> QuerySet[UserSession]:
    api_person(request)
    return UserSession.objects.filter(user=request_user(request)).select_related("subject")


@sessions_router.get(
    "/sessions",
    response={200: list[SessionOut], 404: Error, 422: ValidationErrors},
    summary="Your signed-in sessions",
    description="Browser sessions of the token's user, most recently used first.",
    operation_id="list_sessions",
    openapi_extra={**needs(ANY_MEMBER), **listed_ids("session_id", "end_session")},
)
@paginate(PageOf25)
def list_sessions(request: HttpRequest) -> QuerySet[UserSession]:
    return _sessions(request).order_by("-last_seen_at")


# Declared before "/sessions/{session_id}", which would otherwise take "end-all" for an id.
class SignedOutEverywhere(SessionsEnded):
    tokens_revoked: int = Field(
        description="How many API tokens were revoked (every usable one but the caller's)."
    )


@sessions_router.post(
    "/sessions/end-all",
    response={200: SignedOutEverywhere, 404: Error},
    summary="Sign out everywhere",
    description="Ends every browser session of the token's user and revokes every other API "
    "token of the login, as signing out everywhere on the security page does. The token making "
    "this call stays valid; revoke it on the API tokens page when it is no longer needed.",
    operation_id="end_all_sessions",
    openapi_extra=needs(ANY_MEMBER),
)
def end_all(request: HttpRequest) -> SignedOutEverywhere:
    api_person(request)
    user = request_user(request)
    secured = sign_out_everywhere(
        user=user, actor=user, reason="signed out everywhere", keep_token=request_token(request)
    )
    return SignedOutEverywhere(ended=secured.sessions_ended, tokens_revoked=secured.tokens_revoked)


@sessions_router.delete(
    "/sessions/{session_id}",
    response={204: None, 404: Error, 422: ValidationErrors},
    summary="End one session",
    operation_id="end_session",
    openapi_extra=needs(ANY_MEMBER),
)
def delete_session(request: HttpRequest, session_id: UUID) -> Status[None]:
    session = _sessions(request).filter(pk=session_id).first()
    if session is None:
        raise Http404("not found")
    end_session(user_session=session, actor=request_user(request))
    return Status(204, None)
