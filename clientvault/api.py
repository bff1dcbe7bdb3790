"""The JSON API under /api/v1, authenticated by personal API tokens.

The schema is served at /api/v1/openapi.json (ninja's ``openapi_url``); each operation in it names
what the caller needs in ``x-clientvault-permission`` (see clientvault/accounts/api.py), and says
it in words at the head of its description. /api/v1/docs shows the schema as a reference page
rendered on the server in the site's own templates (clientvault/api_docs.py): no script, no CDN,
under the site's content security policy.

Every error is JSON: 400 for a body that is not JSON, 401 for any token problem (missing,
malformed, unknown, expired, revoked, inactive user — one response for all, so a caller learns
nothing about which), 403 ``{"detail": ...}`` for a refused action (PermissionDenied), 404 for
unknown paths and objects, 413 for a body larger than the site reads (``web.limits``), 422
``{"detail": [{"field": ..., "message": ...}]}`` for invalid input (a request that does not match
its schema, or a service's ValidationError), and 500 without a traceback for anything
unexpected, which no input may reach: schemathesis walks the served schema in the suite
(tests/web/test_api_schemathesis.py). The schema documents each of these answers on every operation
where it can happen (``_document_answers``).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.openapi.schema import OpenAPISchema

from clientvault.accounts.api import (
    ANY_MEMBER,
    OWN_LOGIN,
    PERMISSION_KEY,
    ApiTokenAuth,
    profile_router,
    requirement_text,
    sessions_router,
    users_router,
)
from clientvault.accounts.api import router as accounts_router
from clientvault.accounts.api_choices import choices_router
from clientvault.accounts.schemas import ValidationErrors
from clientvault.api_docs import ApiReference
from clientvault.billing.api import billing_router
from clientvault.billing.middleware import redacts_in_api, refuse_card_numbers
from clientvault.hosting.api import hosting_router
from clientvault.rights.api import rights_router
from clientvault.support.api import support_router
from clientvault.traffic.api import usage_router
from clientvault.web.limits import body_limit, too_large_message

logger = logging.getLogger("clientvault.api")

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
NOT_JSON = "The request body is not valid JSON."
FALLBACK_NAMES = {"api_root", "unknown_path"}  # the routes answering 404 for unknown paths


def _answer(description: str, schema: str = "Error") -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


UNAUTHORISED = _answer("No valid API token")
BAD_JSON = _answer(NOT_JSON)
TOO_LARGE = _answer("The request body is larger than the site reads")
INVALID = _answer("Invalid input: each problem names its field", "ValidationErrors")
FORBIDDEN = _answer("The token's person lacks the permission this needs")
NOT_FOUND = _answer(
    "Not found on your account, or the token has no person on a customer account (staff)"
)


def _error_answers(operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Every error answer the operation can give, from its body, parameters and requirement."""
    answers = {401: UNAUTHORISED}
    if operation.get("requestBody"):
        answers |= {400: BAD_JSON, 413: TOO_LARGE, 422: INVALID}
    if operation.get("parameters"):
        answers[422] = INVALID
    needed = operation.get(PERMISSION_KEY)
    if needed and needed != OWN_LOGIN:
        answers[404] = NOT_FOUND
    if needed and needed not in {OWN_LOGIN, ANY_MEMBER}:
        answers[403] = FORBIDDEN
    return answers


def _document_answers(operation: dict[str, Any]) -> None:
    """Add the error answers the operation does not declare itself (ninja keys them by int)."""
    responses = operation["responses"]
    declared = {int(status) for status in responses}
    for status, answer in _error_answers(operation).items():
        if status not in declared:
            responses[status] = answer


def _describe_requirement(operation: dict[str, Any]) -> None:
    """Put what the operation needs at the head of its description, where the docs show it."""
    needed = operation.get(PERMISSION_KEY)
    if needed:
        described = operation.get("description", "")
        operation["description"] = f"**Needs:** {requirement_text(needed)}\n\n{described}".strip()


class ClientvaultAPI(NinjaAPI):
    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """Called by every operation after its token check, before the body is read into its
        arguments: a body holding a card number is refused there, 422 naming the field
        (``billing.middleware``; pages are checked by its middleware)."""
        fallback = getattr(request.resolver_match, "url_name", None) in FALLBACK_NAMES
        if not fallback and not redacts_in_api(request.path):
            refuse_card_numbers(request)
        return super().create_temporal_response(request)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The generated schema, with every error answer and every requirement documented."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        components.update(_validation_errors_schema())
        for operations in schema["paths"].values():
            for operation in operations.values():
                _describe_requirement(operation)
                _document_answers(operation)
        return schema


def _validation_errors_schema() -> dict[str, Any]:
    """ValidationErrors and what it refers to, as components."""
    generated = ValidationErrors.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**generated.pop("$defs", {}), "ValidationErrors": generated}


api = ClientvaultAPI(
    title="clientvault API",
    version="1",
    description="The customer area as JSON, for scripts. Authenticate with a personal API "
    "token (`Authorization: Bearer cv_...`), made on the API tokens page of the customer area.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs=ApiReference(),
    docs_url="/docs",
    auth=ApiTokenAuth(),
)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "A valid API token is required."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="clientvault"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Bodies with a Content-Length are refused before this (web.limits); this is the rest.
    message = too_large_message(body_limit() or 0)
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    unreadable = exc.status_code == 400 and str(exc).startswith("Cannot parse request body")
    detail = NOT_JSON if unreadable else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "You may not do this."
    return api.create_response(request, {"detail": detail}, status=403)


FieldErrors = list[dict[str, str | None]]
# Where ninja reports a request error: ("body", <parameter>, field...) or ("query", field...).
_LOCATION_DEPTH = {"body": 2, "form": 2, "file": 2}


def _field_name(loc: Any) -> str | None:
    parts = [str(part) for part in loc or ()]
    depth = _LOCATION_DEPTH.get(parts[0], 1) if parts else 0
    return ".".join(parts[depth:]) or None


def _request_error(error: dict[str, Any]) -> dict[str, str | None]:
    loc = error.get("loc") or ()
    field = _field_name(loc)
    if field is None and loc and loc[0] == "body" and error.get("type") == "missing":
        return {"field": None, "message": "The request needs a JSON body."}
    return {"field": field, "message": str(error.get("msg") or "Invalid value.")}


def request_errors(exc: RequestValidationError) -> FieldErrors:
    """Ninja's errors as field and message; the rejected input is never echoed back."""
    return [_request_error(error) for error in exc.errors]


def service_errors(exc: DjangoValidationError) -> FieldErrors:
    if not hasattr(exc, "error_dict"):
        return [{"field": None, "message": message} for message in exc.messages]
    return [
        {"field": None if name == NON_FIELD_ERRORS else name, "message": message}
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


@api.exception_handler(RequestValidationError)
def invalid_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": request_errors(exc)}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": service_errors(exc)}, status=422)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged by type, route and frame positions only: the message, the path and even a source
    # line may quote personal data.
    route = getattr(request.resolver_match, "route", "?")
    where = "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    )
    logger.error("API error %s on %s\n%s", type(exc).__name__, route, where)
    return api.create_response(request, {"detail": "Internal server error."}, status=500)


api.add_router("", accounts_router)
api.add_router("", profile_router)
api.add_router("", users_router)
api.add_router("", sessions_router)
api.add_router("", choices_router)
api.add_router("", rights_router)
api.add_router("", billing_router)
api.add_router("", hosting_router)
api.add_router("", support_router)
api.add_router("", usage_router)

# Added last, so it only sees what no router matched: a JSON 404, not Django's HTML page.
fallback = Router()
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@fallback.api_operation(_METHODS, "/", auth=None, include_in_schema=False)
def api_root(request: HttpRequest) -> HttpResponse:
    raise Http404


@fallback.api_operation(_METHODS, "/{path:rest}", auth=None, include_in_schema=False)
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404


api.add_router("", fallback)
