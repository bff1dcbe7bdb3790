"""``/api/v1/privacy/requests``: the token's person asks about their data and follows it.

A personal API token is made by its person after signing in, so it verifies an access,
correction or objection like the password does; an erasure still needs the code e-mailed to
the address on record (``…/code``).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.errors import HttpError

from clientvault.accounts.api import ANY_MEMBER, needs, request_user
from clientvault.accounts.schemas import Error
from clientvault.privacy.directory import Identity, directory
from clientvault.rights.models import Channel, Scope, Verification
from clientvault.rights.queries import live_export, owned_request, visible_to
from clientvault.rights.schemas import CodeIn, RequestIn, RequestOut
from clientvault.rights.services.intake import ask_as_customer
from clientvault.rights.services.requests import Ask
from clientvault.rights.services.verification import (
    needs_code,
    send_code,
    verify_code,
    verify_signed_in,
)

rights_router = Router(tags=["privacy requests"])
MEMBER = needs(ANY_MEMBER)


def _identity(request: HttpRequest) -> Identity:
    identity = directory().identify(request_user(request))
    if identity is None:
        raise Http404("no customer account")
    return identity


def _out(made: Any) -> RequestOut:
    return RequestOut.of(made, export_ready=live_export(made) is not None)


@rights_router.get(
    "/privacy/requests",
    response=list[RequestOut],
    summary="Your requests about your data",
    description="Newest first, at most 50.",
    operation_id="list_privacy_requests",
    openapi_extra=MEMBER,
)
def list_requests(request: HttpRequest) -> list[RequestOut]:
    return [_out(made) for made in visible_to(_identity(request))[:50]]


@rights_router.post(
    "/privacy/requests",
    response={201: RequestOut},
    summary="Ask for a copy, a correction, an erasure, or to stop marketing",
    description="The deadline runs from now. An erasure waits for the code e-mailed to the "
    "address on record; the rest goes ahead at once.",
    operation_id="create_privacy_request",
    openapi_extra=MEMBER,
)
def create_request(request: HttpRequest, payload: RequestIn) -> tuple[int, RequestOut]:
    identity, user = _identity(request), request_user(request)
    scope = Scope.ACCOUNT if payload.whole_account else Scope.PERSON
    ask = Ask(
        kind=payload.kind,
        scope=scope,
        field=payload.field,
        new_value=payload.new_value.strip(),
        purpose=payload.purpose,
        note=payload.note.strip(),
    )
    made = ask_as_customer(
        identity=identity, ask=ask, actor=user, channel=Channel.API, subject_id=payload.person
    )
    if needs_code(made):
        send_code(request=made)
    else:
        verify_signed_in(request=made, actor=user, how=Verification.API_TOKEN)
    return 201, _out(made)


@rights_router.get(
    "/privacy/requests/{request_id}",
    response=RequestOut,
    summary="One of your requests",
    operation_id="get_privacy_request",
    openapi_extra=MEMBER,
)
def get_request(request: HttpRequest, request_id: UUID) -> RequestOut:
    return _out(owned_request(_identity(request), request_id))


@rights_router.post(
    "/privacy/requests/{request_id}/code",
    response=RequestOut,
    summary="Confirm a request with the code e-mailed to you",
    operation_id="confirm_privacy_request",
    openapi_extra=MEMBER,
)
def confirm_request(request: HttpRequest, request_id: UUID, payload: CodeIn) -> RequestOut:
    made = owned_request(_identity(request), request_id)
    verify_code(request=made, code=payload.code, actor=request_user(request))
    return _out(made)


@rights_router.get(
    "/privacy/requests/{request_id}/export",
    response={200: dict[str, Any], 409: Error},
    summary="The copy of your data an access request made (JSON, see docs/export-schema.json)",
    description="409 while no copy is ready: the request is not an access, not done yet, or "
    "its copy was deleted after seven days.",
    operation_id="get_privacy_export",
    openapi_extra=MEMBER,
)
def get_export(request: HttpRequest, request_id: UUID) -> dict[str, Any]:
    made = owned_request(_identity(request), request_id)
    export = live_export(made)
    if export is None:
        raise HttpError(409, "No copy of your data is ready for this request.")
    document: dict[str, Any] = json.loads(str(export.document))
    return document
