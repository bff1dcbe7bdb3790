"""The JSON API under /api/v1, authenticated by personal API tokens."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="clientvault API",
    version="1",
    urls_namespace="api-v1",
    docs_url=None,
)
