"""Calls to /api/v1/hosting with a person's real API token, for the hosting API's tests."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from clientvault.accounts.services import create_api_token

PREFIX = "/api/v1/hosting"


def call(user: Any, method: str, path: str, body: dict[str, Any] | None = None, **params: Any):
    """One call as ``user`` (a login; a person's ``.user``), ``path`` under /api/v1/hosting."""
    raw = create_api_token(user=user, name="test")[1]
    headers = {"Authorization": f"Bearer {raw}"}
    if method == "GET":
        return Client().get(f"{PREFIX}{path}", params, headers=headers)
    return Client().generic(
        method,
        f"{PREFIX}{path}",
        json.dumps(body or {}),
        content_type="application/json",
        headers=headers,
    )


def get(person: Any, path: str, **params: Any):
    return call(person.user, "GET", path, **params)


def post(person: Any, path: str, body: dict[str, Any] | None = None):
    return call(person.user, "POST", path, body)


def put(person: Any, path: str, body: dict[str, Any] | None = None):
    return call(person.user, "PUT", path, body)


def patch(person: Any, path: str, body: dict[str, Any] | None = None):
    return call(person.user, "PATCH", path, body)


def fields_of(response: Any) -> list[str | None]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.content
    return [problem["field"] for problem in response.json()["detail"]]
