# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas and access_world)
"""Every /api/v1 operation, walked by callers who must not get in.

The operations come from the schema the API serves (/api/v1/openapi.json), so a new operation is
walked as soon as it exists. Each declares what it needs where it is defined
(``openapi_extra=needs(...)`` in clientvault/accounts/api.py), published as
``x-clientvault-permission``: a permission on the account, ``any-member`` or ``own-login``. An
operation that declares none fails the walk, naming it, and each declaration is checked:

- an anonymous caller gets 401 everywhere;
- an outsider's token gets 404 for every object of the first account and reads none of its data;
- a permission: an authorised user lacking it gets 403 or 404;
- a permission or ``any-member``: a staff token gets 404 (staff have no person on an account);
- ``any-member``: an authorised user with no permission at all is not refused;
- ``own-login``: a staff token is answered.

Parameters are filled with the first account's objects; one nobody taught the walk to fill
fails it, naming it. Every route of the ``api-v1`` URL namespace must be an operation of the
schema or be listed in NOT_IN_SCHEMA.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from ninja import NinjaAPI

from clientvault.accounts.api import ANY_MEMBER, OWN_LOGIN, PERMISSION_KEY, needs
from clientvault.accounts.models import Permission
from clientvault.accounts.services import create_api_token
from tests.accounts.access_world import (  # noqa: F401
    Filler,
    World,
    report,
    resolver_entries,
    shows_first_account,
    world,
)
from tests.accounts.personas import customer, make_staff, outsider  # noqa: F401
from tests.billing.rows import an_invoice
from tests.hosting.rows import a_contact_id, a_domain, a_service, an_order
from tests.rights.helpers import a_rights_request
from tests.support.rows import a_ticket

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

SCHEMA_URL = "/api/v1/openapi.json"
MARKERS = {ANY_MEMBER, OWN_LOGIN}
API_FILLERS: dict[str, Filler] = {
    "users": lambda w: w.colleague.pk,
    "sessions": lambda w: w.session.pk,
    "tokens": lambda w: w.token.pk,
    "api-tokens": lambda w: w.token.pk,
    "reports": lambda w: w.report.pk,
    "privacy": lambda w: a_rights_request(w.owner).pk,
    "billing": lambda w: an_invoice(w.owner).display_number,
    "support": lambda w: a_ticket(w.owner).number,
    # A collection whose paths take several parameters: each filled by its name.
    "hosting": lambda w: {
        "reference": a_service(w.owner).reference,
        "number": an_order(w.owner).number,
        "name": a_domain(w.owner).name,
        "role": "tech",
        "contact_id": a_contact_id(w.owner),
    },
}
# Routes of the api-v1 namespace that are not operations of the schema, and why.
NOT_IN_SCHEMA = {
    "api-v1:openapi-json": "the schema itself, public",
    "api-v1:openapi-view": "the interactive docs of the schema, public",
    "api-v1:api-root": "ninja's root view of the API",
    "api-v1:api_root": "the fallback: a JSON 404 for /api/v1/",
    "api-v1:unknown_path": "the fallback: a JSON 404 for any path no operation matched",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {placeholders}
    params: tuple[str, ...]
    needs: str | None  # x-clientvault-permission
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def served_schema() -> dict[str, Any]:
    response = Client().get(SCHEMA_URL)
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def api_operations(schema: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            params = tuple(p["name"] for p in spec.get("parameters", []) if p.get("in") == "path")
            needed = spec.get(PERMISSION_KEY)
            operations.append(Operation(method.upper(), path, params, needed, spec))
    return operations


def declaration_problems(operations: list[Operation]) -> list[str]:
    """Operations that do not say what they need, or say something unknown."""
    problems = []
    for operation in operations:
        if operation.needs is None:
            problems.append(
                f"{operation} declares no {PERMISSION_KEY}: give its route "
                "openapi_extra=needs(<a Permission, ANY_MEMBER or OWN_LOGIN>)"
            )
        elif operation.needs not in {*Permission.values, *MARKERS}:
            problems.append(f"{operation} declares an unknown {PERMISSION_KEY} {operation.needs!r}")
    return problems


@pytest.fixture
def operations() -> list[Operation]:
    return api_operations(served_schema())


@pytest.fixture
def schema_components() -> dict[str, Any]:
    return dict(served_schema()["components"]["schemas"])


def _collection(path: str) -> str:
    parts = [p for p in path.removeprefix("/api/v1/").split("/") if p and "{" not in p]
    return parts[0] if parts else ""


def api_url(operation: Operation, world: World) -> str:
    if not operation.params:
        return operation.path
    filler = API_FILLERS.get(_collection(operation.path))
    if filler is None:
        raise LookupError(f"the walk cannot fill {operation}; add it to API_FILLERS")
    value = filler(world)
    if not isinstance(value, dict):
        return re.sub(r"\{[^}]+\}", str(value), operation.path)
    unfilled = [name for name in operation.params if name not in value]
    if unfilled:
        raise LookupError(f"the walk cannot fill {unfilled} of {operation}; add it to API_FILLERS")
    return re.sub(r"\{([^}]+)\}", lambda m: str(value[m.group(1)]), operation.path)


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A small valid value for a JSON schema: the required properties, filled plausibly.

    Bodies must be valid, or the API would answer 422 before reaching the ownership check.
    """
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return example(schema[key][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), components)] if schema.get("minItems") else []
    if kind == "string":
        return "walk@example.com" if schema.get("format") == "email" else "walk"
    return {"integer": 1, "number": 1, "boolean": False}.get(kind)


def request_body(operation: Operation, components: dict[str, Any]) -> bytes:
    content = operation.spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return b"{}"
    return json.dumps(example(content["schema"], components)).encode()


def call(operation: Operation, world: World, raw: str | None, components: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    body = request_body(operation, components)
    return Client().generic(
        operation.method,
        api_url(operation, world),
        body,
        content_type="application/json",
        headers=headers,
    )


def token_of(user: Any) -> str:
    return create_api_token(user=user, name="walk")[1]


# --- every operation says what it needs ---------------------------------------------------------


def test_every_api_operation_declares_what_it_needs_in_the_served_schema(operations):
    assert operations
    problems = declaration_problems(operations)
    assert not problems, report(problems)


def test_the_walk_fails_an_operation_that_declares_nothing():
    probe = NinjaAPI(urls_namespace="access-walk-probe")

    @probe.get("/undeclared")
    def undeclared(request: Any) -> None: ...

    @probe.get("/declared", openapi_extra=needs(Permission.CONTACTS))
    def declared(request: Any) -> None: ...

    problems = declaration_problems(api_operations(probe.get_openapi_schema(path_prefix="")))
    assert len(problems) == 1
    assert problems[0].startswith("GET /undeclared declares no x-clientvault-permission")


def test_an_unknown_requirement_is_refused_where_it_is_declared():
    with pytest.raises(ValueError, match="'billing-ish' is not a permission"):
        needs("billing-ish")


def test_every_api_route_is_an_operation_of_the_schema_or_listed(operations):
    in_schema = {op.path for op in operations}
    problems = []
    for namespace, text, entry in resolver_entries():
        name, path = f"{namespace}:{entry.name}", "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
        if namespace == "api-v1" and name not in NOT_IN_SCHEMA and path not in in_schema:
            problems.append(f"{name} ({path}) is neither in the schema nor in NOT_IN_SCHEMA")
    assert not problems, report(problems)


# --- anonymous callers and outsiders ------------------------------------------------------------


def test_every_api_operation_refuses_an_anonymous_caller_with_401(
    world, operations, schema_components
):
    problems = []
    for operation in operations:
        response = call(operation, world, None, schema_components)
        if response.status_code != 401:
            problems.append(f"{operation} answered {response.status_code}")
    assert not problems, report(problems)


def test_an_outsiders_token_gets_404_for_every_object_of_another_account(
    world, outsider, operations, schema_components
):
    raw = token_of(outsider.user)
    problems = []
    for operation in [o for o in operations if o.params]:
        response = call(operation, world, raw, schema_components)
        if response.status_code != 404:
            problems.append(f"{operation} answered {response.status_code}")
    assert not problems, report(problems)


def test_an_outsiders_token_reads_none_of_another_accounts_data(
    world, outsider, operations, schema_components
):
    raw = token_of(outsider.user)
    problems = []
    for operation in [o for o in operations if not o.params and o.method == "GET"]:
        shown = shows_first_account(call(operation, world, raw, schema_components), world)
        if shown:
            problems.append(f"{operation} shows the other account's {shown}")
    assert not problems, report(problems)


# --- what each operation declares, enforced -----------------------------------------------------


def test_an_api_token_without_the_permission_gets_403_or_404(world, operations, schema_components):
    problems = []
    for index, operation in enumerate([o for o in operations if o.needs in Permission.values]):
        lacking = world.member_lacking(operation.needs, f"api-lacks-{index}")
        response = call(operation, world, token_of(lacking.user), schema_components)
        if response.status_code not in {403, 404}:
            problems.append(
                f"{operation} answered {response.status_code} without {operation.needs}"
            )
    assert not problems, report(problems)


def test_a_staff_token_gets_404_where_a_person_on_an_account_is_needed(
    world, operations, schema_components
):
    raw = token_of(make_staff("administrator"))
    problems = []
    for operation in [o for o in operations if o.needs != OWN_LOGIN]:
        response = call(operation, world, raw, schema_components)
        if response.status_code != 404:
            problems.append(f"{operation} ({operation.needs}) answered {response.status_code}")
    assert not problems, report(problems)


def test_any_member_operations_answer_a_member_without_permissions(
    world, operations, schema_components
):
    raw = token_of(world.member_lacking(None, "no-permissions").user)
    problems = []
    for operation in [o for o in operations if o.needs == ANY_MEMBER and not o.params]:
        response = call(operation, world, raw, schema_components)
        if response.status_code in {401, 403, 404}:
            problems.append(f"{operation} refused a member with {response.status_code}")
    assert not problems, report(problems)


def test_own_login_operations_answer_a_staff_token(world, operations, schema_components):
    raw = token_of(make_staff("support"))
    problems = []
    for operation in [o for o in operations if o.needs == OWN_LOGIN]:
        response = call(operation, world, raw, schema_components)
        if response.status_code != 200:
            problems.append(f"{operation} answered a staff token {response.status_code}")
    assert not problems, report(problems)


def test_the_walk_can_fill_every_api_parameter(world, operations):
    unfillable = []
    for operation in operations:
        try:
            api_url(operation, world)
        except LookupError as error:
            unfillable.append(str(error))
    assert unfillable == []
