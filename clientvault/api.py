"""The JSON API under /api/v1, authenticated by personal API tokens.

The schema is served at /api/v1/openapi.json (ninja's ``openapi_url``). Every error is JSON:
401 for any token problem (missing, malformed, unknown, expired, revoked, inactive user — one
response for all, so a caller learns nothing about which), 404 for unknown paths, and 500 without
a traceback for anything unexpected.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError
from ninja.openapi.schema import OpenAPISchema

from clientvault.accounts.api import ApiTokenAuth
from clientvault.accounts.api import router as accounts_router

logger = logging.getLogger("clientvault.api")

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
UNAUTHORISED = {
    "description": "No valid API token",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


class ClientvaultAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The generated schema, with the 401 answer documented on every protected operation."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("security"):
                    operation["responses"].setdefault("401", UNAUTHORISED)
        return schema


api = ClientvaultAPI(
    title="clientvault API",
    version="1",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,
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
