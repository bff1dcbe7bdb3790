# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and access_world)
"""No answer of the application may be kept by a cache: ``Cache-Control: no-store`` everywhere.

Walked over every route of the project's resolver (as an anonymous visitor, the owner of an
account and a member of staff, GET then POST) and every operation of the served API schema, so
a new page or operation is covered as soon as it exists.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clientvault.accounts.models import StaffRole
from tests.accounts.access_world import World, report, world  # noqa: F401
from tests.accounts.personas import customer, sign_in, sign_in_staff, staff  # noqa: F401
from tests.accounts.test_access_walk_api import api_operations, call, served_schema, token_of
from tests.accounts.test_access_walk_pages import project_routes

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def _stored(response: Any) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" not in directives


def _page_urls(world: World) -> list[str]:
    urls = []
    for route in project_routes():
        if route.namespace == "api-v1":
            continue  # walked from the schema below
        try:
            urls.append(route.url(world))
        except LookupError:
            continue  # the access walk names routes it cannot fill
    return urls


def _walk(client: Client, urls: list[str]) -> list[str]:
    problems = []
    for method in ("get", "post"):
        for url in urls:
            response = getattr(client, method)(url)
            if _stored(response):
                problems.append(
                    f"{method.upper()} {url} answered {response.status_code} with "
                    f"Cache-Control {response.get('Cache-Control')!r}"
                )
    return problems


@pytest.mark.parametrize("who", ["anonymous", "owner", "staff"])
def test_no_page_may_be_stored_by_a_cache(world, staff, who):
    urls = _page_urls(world)
    assert len(urls) > 40
    if who == "anonymous":
        client = Client()
    elif who == "owner":
        client = sign_in(Client(), world.owner.user)
    else:
        client = sign_in_staff(Client(), staff(StaffRole.SUPPORT))
    problems = _walk(client, [*urls, "/no-such-page/"])
    assert not problems, report(problems)


def test_no_api_answer_may_be_stored_by_a_cache(world):
    schema = served_schema()
    components = schema["components"]["schemas"]
    raw = token_of(world.owner.user)
    problems = []
    for operation in api_operations(schema):
        for token in (raw, None):
            response = call(operation, world, token, components)
            if _stored(response):
                problems.append(f"{operation} answered {response.status_code} unguarded")
    for url in ("/api/v1/openapi.json", "/api/v1/no-such-operation"):
        if _stored(Client().get(url)):
            problems.append(f"GET {url} unguarded")
    assert not problems, report(problems)
