"""API authentication by personal tokens, and ``GET /api/v1/me``."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from clientvault.accounts.models import ApiToken, User
from clientvault.accounts.services import find_api_token

router = Router(tags=["accounts"])


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


class MeOut(Schema):
    id: int
    username: str
    is_staff: bool
    token_expires_at: datetime


@router.get("/me", response=MeOut, summary="The user this token belongs to")
def me(request: HttpRequest) -> MeOut:
    token = request_token(request)
    user = token.user
    return MeOut(
        id=user.pk,
        username=user.username,
        is_staff=user.is_staff,
        token_expires_at=token.expires_at,
    )
