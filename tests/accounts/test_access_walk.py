"""Every page of the accounts namespace and every /api/v1 operation, walked by people who must
not get in.

The URL list comes from the resolver and the OpenAPI schema, so a new page or operation is
walked as soon as it exists. Its parameters are filled with the first account's real objects
(its API token, session, authorised user, report...); a parameter nobody taught the walk to fill
fails the walk, naming it, rather than being skipped.

- (a) an outsider (the owner of another account) gets 404 for every object of the first
  account, and pages without an object show none of the first account's data;
- (b) an authorised user lacking a page's permission gets 403 or 404;
- (c) a customer gets 404 on every staff page;
- (d) an anonymous visitor is sent to the sign-in page (the API answers 401).

Pages are tried with GET and POST (an empty form); a method a page does not take (405) is
refused before any object is looked at, and is not counted, but every page must take one.

Each walk collects every offending URL and reports them together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clientvault.accounts.models import (
    ApiToken,
    Invitation,
    Permission,
    Person,
    ReportStatus,
    UnauthorisedUseReport,
    UserSession,
)
from clientvault.accounts.services import create_api_token
from clientvault.api import api
from tests.accounts.personas import (  # noqa: F401
    OWNER_DETAILS,
    add_authorised_user,
    customer,
    outsider,
    sign_in,
)

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NAMESPACE = "accounts"
# Pages anyone may open without signing in (they gate themselves by a secret in the URL or form).
ANONYMOUS_PAGES = {
    "login",
    "logout",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "invitation_accept",
}
# Reached by a secret token, not by ownership: an outsider holding the link may open it.
TOKEN_PAGES = {"invitation_accept", "password_reset_confirm"}
# Pages a person with no permission at all must still reach (their own login and data).
NO_PERMISSION_NEEDED = {
    "dashboard",
    "profile",
    "profile_history",
    "security",
    "password_change",
    "security_answers",
    "sessions_end",
    "sessions_end_all",
    "report_unauthorised",
    "two_factor",
    "two_factor_setup",
    "two_factor_disable",
    "recovery_codes",
    "recovery_codes_renew",
    "profile_email",
    "reauth",
    "api_tokens",
    "api_token_revoke",
    "client_log",
}
# The permission the issue gives each page (checked against what the view declares).
EXPECTED_PERMISSION = {
    "users": Permission.CONTACTS,
    "user_invite": Permission.CONTACTS,
    "user_edit": Permission.CONTACTS,
    "user_remove": Permission.CONTACTS,
    "invitation_revoke": Permission.CONTACTS,
}
ALL_PERMISSIONS = [str(p) for p in Permission.values]


# --- the first account and everything it owns --------------------------------------------------


@dataclass
class World:
    owner: Person
    colleague: Person  # an authorised user, the object of user_edit / user_remove
    token: ApiToken
    session: UserSession
    report: UnauthorisedUseReport
    invitation: Invitation

    @property
    def markers(self) -> list[str]:
        """Text that only the first account's pages may show."""
        return [
            self.owner.customer.number,
            OWNER_DETAILS["email"],
            OWNER_DETAILS["family_name"],
            str(self.colleague.email),
            self.token.prefix,
        ]


@pytest.fixture
def world(customer: Person) -> World:  # noqa: F811
    now = timezone.now()
    colleague = add_authorised_user(
        customer, username="colleague", email="colleague@example.com", permissions=[]
    )
    token, _ = create_api_token(user=customer.user, name="laptop")  # type: ignore[arg-type]
    session = UserSession.objects.create(
        user=customer.user,
        subject=customer.subject,
        session_key="walk" + "0" * 28,
        ip_address="192.0.2.10",
        browser="Firefox 128 on Linux",
        created_at=now,
        last_seen_at=now,
    )
    report = UnauthorisedUseReport.objects.create(
        customer=customer.customer,
        person=customer,
        subject=customer.subject,
        description="A sign-in I do not recognise.",
        status=ReportStatus.OPEN,
        created_at=now,
    )
    invitation = Invitation.objects.create(
        customer=customer.customer,
        subject=colleague.subject,
        email="invited@example.com",
        permissions=[],
        token_digest="0" * 64,
        invited_by=customer.user,
        expires_at=now + timedelta(days=7),
    )
    return World(customer, colleague, token, session, report, invitation)


# How to fill each page's URL parameters with the first account's objects. A page with a single
# parameter may give just the value, whatever the parameter is called.
Filler = Callable[[World], Any]
FILLERS: dict[str, Filler] = {
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "invitation_accept": lambda w: "not-a-real-invitation-token",
    "sessions_end": lambda w: w.session.pk,
    "api_token_revoke": lambda w: w.token.pk,
    "user_edit": lambda w: w.colleague.pk,
    "user_remove": lambda w: w.colleague.pk,
    "invitation_revoke": lambda w: w.invitation.pk,
    "staff_customer": lambda w: w.owner.customer.number,
    "staff_status": lambda w: w.owner.customer.number,
    "staff_identity_check": lambda w: w.owner.pk,
    "staff_reset_password": lambda w: w.owner.pk,
    "staff_intake_update": lambda w: w.owner.pk,
    "staff_report": lambda w: w.report.pk,
}


# --- the pages, from the resolver --------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    params: tuple[str, ...]
    view: Callable[..., Any]

    @property
    def kind(self) -> str:
        if self.name in ANONYMOUS_PAGES:
            return "anonymous"
        return "staff" if self.name.startswith("staff_") else "area"

    def url(self, world: World) -> str:
        if not self.params:
            return reverse(f"{NAMESPACE}:{self.name}")
        if self.name not in FILLERS:
            raise LookupError(
                f"the walk cannot fill {self.params} of accounts:{self.name}; add it to FILLERS"
            )
        values = FILLERS[self.name](world)
        if not isinstance(values, dict):
            values = {self.params[0]: values}
        return reverse(f"{NAMESPACE}:{self.name}", kwargs=values)


def _patterns(patterns: list[Any]) -> Iterator[URLPattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns)
        elif entry.name:
            yield entry


def accounts_pages() -> list[Page]:
    _, resolver = get_resolver().namespace_dict[NAMESPACE]
    return [
        Page(p.name, tuple(p.pattern.regex.groupindex), p.callback)  # type: ignore[arg-type]
        for p in _patterns(resolver.url_patterns)
    ]


def declared_access(view: Callable[..., Any]) -> tuple[str, Any]:
    """What a view's decorators demand: ("person", permission), ("staff", roles) or ("", None).

    Read from the decorators' closures: ``functools.wraps`` keeps the chain in ``__wrapped__``
    and a decorator may hold the next layer in a closure cell; a function's code object keeps
    the name it was defined with (``person_required.<locals>...``) whatever ``wraps`` copied.
    """
    start: Any = view.view_class.dispatch if hasattr(view, "view_class") else view
    queue, seen = [start], set()
    while queue:
        current = queue.pop(0)
        if id(current) in seen or not callable(current):
            continue
        seen.add(id(current))
        qualname = getattr(getattr(current, "__code__", None), "co_qualname", "")
        for kind, cell in (("person", "permission"), ("staff", "roles")):
            if qualname.startswith(f"{kind}_required."):
                return kind, _closure_value(current, cell)
        queue += [getattr(current, "__wrapped__", None), *_closure_functions(current)]
    return "", None


def _closure_functions(function: Any) -> list[Any]:
    cells = getattr(function, "__closure__", None) or ()
    return [c.cell_contents for c in cells if callable(getattr(c, "cell_contents", None))]


def _closure_value(function: Any, name: str) -> Any:
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    return cells[name].cell_contents if name in cells else None


# --- requests -----------------------------------------------------------------------------------


def _answers(client: Client, url: str) -> dict[str, Any]:
    return {"GET": client.get(url), "POST": client.post(url, {})}


def _walk(
    world: World, pages: list[Page], client: Client, check: Callable[[Page, str, Any], str | None]
) -> list[str]:
    """Problems found by ``check`` on GET and POST of each page.

    A method the view does not take (405) is refused before any object is looked at, so it
    tells nothing; but a page must take at least one of them, or it was not walked at all.
    """
    problems = []
    for page in pages:
        url = page.url(world)
        answers = _answers(client, url)
        if all(response.status_code == 405 for response in answers.values()):
            problems.append(f"{url} (accounts:{page.name}): neither GET nor POST is taken")
        for method, response in answers.items():
            problem = None if response.status_code == 405 else check(page, method, response)
            if problem:
                problems.append(f"{method} {url} (accounts:{page.name}): {problem}")
    return problems


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _shows_first_account(response: Any, world: World) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in world.markers if marker and marker in body]


# --- (a) outsiders ------------------------------------------------------------------------------


def test_an_outsider_gets_404_for_every_object_of_another_account(world, outsider):  # noqa: F811
    pages = [p for p in accounts_pages() if p.params and p.name not in TOKEN_PAGES]
    client = sign_in(Client(), outsider.user)

    def check(page: Page, method: str, response: Any) -> str | None:
        if response.status_code == 404:
            return None
        return f"answered {response.status_code}, not 404"

    problems = _walk(world, pages, client, check)
    assert not problems, report(problems)
    assert ApiToken.objects.get(pk=world.token.pk).revoked_at is None
    assert Person.objects.filter(pk=world.colleague.pk).exists()
    assert UserSession.objects.filter(pk=world.session.pk).exists()


def test_an_outsider_sees_none_of_another_accounts_data_on_any_page(world, outsider):  # noqa: F811
    pages = [p for p in accounts_pages() if not p.params and p.kind == "area"]
    client = sign_in(Client(), outsider.user)
    problems = []
    for page in pages:
        url = page.url(world)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: answered {response.status_code}")
        shown = _shows_first_account(response, world)
        if shown:
            problems.append(f"GET {url} shows the other account's {shown}")
    assert not problems, report(problems)


# --- (b) authorised users lacking the permission -----------------------------------------------


def test_every_customer_page_declares_its_access():
    problems = []
    for page in accounts_pages():
        kind, permission = declared_access(page.view)
        if page.kind == "area" and kind not in {"person", ""}:
            problems.append(f"accounts:{page.name} is a customer page but declares {kind}")
        if page.kind == "staff" and kind != "staff":
            problems.append(f"accounts:{page.name} is a staff page without staff_required")
        expected = EXPECTED_PERMISSION.get(page.name)
        if expected is not None and permission != expected:
            problems.append(f"accounts:{page.name} needs {expected}, declares {permission!r}")
    assert not problems, report(problems)


def _permission_of(page: Page) -> str | None:
    kind, permission = declared_access(page.view)
    return permission if kind == "person" else EXPECTED_PERMISSION.get(page.name)


def _refused_without(permission: str) -> Callable[[Page, str, Any], str | None]:
    def check(page: Page, method: str, response: Any) -> str | None:
        if response.status_code in {403, 404}:
            return None
        return f"answered {response.status_code} to a user without {permission}"

    return check


def test_an_authorised_user_without_the_permission_gets_403_or_404(world):
    problems: list[str] = []
    for page in [p for p in accounts_pages() if p.kind == "area"]:
        permission = _permission_of(page)
        if permission is None:
            if page.name not in NO_PERMISSION_NEEDED:
                problems.append(f"accounts:{page.name} declares no permission")
            continue
        lacking = add_authorised_user(
            world.owner,
            username=f"lacks-{page.name}",
            email=f"lacks-{page.name.replace('_', '-')}@example.com",
            permissions=[p for p in ALL_PERMISSIONS if p != permission],
        )

        check = _refused_without(permission)
        problems += _walk(world, [page], sign_in(Client(), lacking.user), check)
    assert not problems, report(problems)


# --- (c) customers on staff pages, (d) anonymous visitors --------------------------------------


def test_a_customer_gets_404_on_every_staff_page(world):
    pages = [p for p in accounts_pages() if p.kind == "staff"]
    client = sign_in(Client(), world.owner.user)

    def check(page: Page, method: str, response: Any) -> str | None:
        return None if response.status_code == 404 else f"answered {response.status_code}"

    problems = _walk(world, pages, client, check)
    assert not problems, report(problems)


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(world):
    login = resolve_url(settings.LOGIN_URL)
    assert login == reverse("accounts:login"), "LOGIN_URL is not the accounts sign-in page"
    pages = [p for p in accounts_pages() if p.kind != "anonymous"]

    def check(page: Page, method: str, response: Any) -> str | None:
        location = response.get("Location", "") if response.status_code == 302 else ""
        if location.split("?")[0] == login:
            return None
        return f"answered {response.status_code} {location}".strip()

    problems = _walk(world, pages, Client(), check)
    assert not problems, report(problems)


def test_anonymous_pages_open_without_signing_in(world):
    pages = [p for p in accounts_pages() if p.kind == "anonymous" and p.name != "logout"]
    client = Client()
    problems = []
    for page in pages:
        response = client.get(page.url(world))
        if response.status_code not in {200, 302, 404}:
            problems.append(f"GET accounts:{page.name} answered {response.status_code}")
    assert not problems, report(problems)


# --- the JSON API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {placeholders}
    params: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


API_FILLERS: dict[str, Filler] = {
    "users": lambda w: w.colleague.pk,
    "sessions": lambda w: w.session.pk,
    "tokens": lambda w: w.token.pk,
    "api-tokens": lambda w: w.token.pk,
    "reports": lambda w: w.report.pk,
}
# API operations and the permission each needs (by the collection the path names).
API_PERMISSION = {"users": Permission.CONTACTS}


def api_operations() -> list[Operation]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            params = tuple(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"
            )
            operations.append(Operation(method.upper(), path, params))
    return operations


def _collection(path: str) -> str:
    parts = [p for p in path.removeprefix("/api/v1/").split("/") if p and "{" not in p]
    return parts[0] if parts else ""


def api_url(operation: Operation, world: World) -> str:
    if not operation.params:
        return operation.path
    filler = API_FILLERS.get(_collection(operation.path))
    if filler is None:
        raise LookupError(f"the walk cannot fill {operation}; add it to API_FILLERS")
    return re.sub(r"\{[^}]+\}", str(filler(world)), operation.path)


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


def request_body(operation: Operation) -> bytes:
    schema = api.get_openapi_schema()
    spec = schema["paths"][operation.path][operation.method.lower()]
    content = spec.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return b"{}"
    return json.dumps(example(content["schema"], schema["components"]["schemas"])).encode()


def _call(client: Client, operation: Operation, url: str, raw: str | None) -> Any:
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    body = request_body(operation)
    return client.generic(
        operation.method, url, body, content_type="application/json", headers=headers
    )


def test_every_api_operation_refuses_an_anonymous_caller_with_401(world):
    problems = []
    for operation in api_operations():
        response = _call(Client(), operation, api_url(operation, world), None)
        if response.status_code != 401:
            problems.append(f"{operation} answered {response.status_code}")
    assert not problems, report(problems)


def test_an_outsiders_token_gets_404_for_every_object_of_another_account(world, outsider):  # noqa: F811
    _, raw = create_api_token(user=outsider.user, name="outsider")
    problems = []
    for operation in [o for o in api_operations() if o.params]:
        response = _call(Client(), operation, api_url(operation, world), raw)
        if response.status_code != 404:
            problems.append(f"{operation} answered {response.status_code}")
    assert not problems, report(problems)


def test_an_outsiders_token_reads_none_of_another_accounts_data(world, outsider):  # noqa: F811
    _, raw = create_api_token(user=outsider.user, name="outsider")
    problems = []
    for operation in [o for o in api_operations() if not o.params and o.method == "GET"]:
        response = _call(Client(), operation, operation.path, raw)
        shown = _shows_first_account(response, world)
        if shown:
            problems.append(f"{operation} shows the other account's {shown}")
    assert not problems, report(problems)


def test_an_api_token_without_the_permission_gets_403_or_404(world):
    problems = []
    for operation in api_operations():
        permission = API_PERMISSION.get(_collection(operation.path))
        if permission is None:
            continue
        lacking = add_authorised_user(
            world.owner,
            username=f"api-lacks-{len(problems)}-{operation.method.lower()}",
            email=f"api-lacks-{abs(hash(str(operation)))}@example.com",
            permissions=[p for p in ALL_PERMISSIONS if p != permission],
        )
        _, raw = create_api_token(user=lacking.user, name="lacking")
        response = _call(Client(), operation, api_url(operation, world), raw)
        if response.status_code not in {403, 404}:
            problems.append(f"{operation} answered {response.status_code} without {permission}")
    assert not problems, report(problems)


# --- the walk itself ----------------------------------------------------------------------------

AGREED_PAGES = {
    "login",
    "logout",
    "two_factor",
    "two_factor_setup",
    "two_factor_disable",
    "recovery_codes",
    "recovery_codes_renew",
    "profile_email",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "reauth",
    "security",
    "password_change",
    "security_answers",
    "sessions_end",
    "sessions_end_all",
    "report_unauthorised",
    "signup",
    "dashboard",
    "profile",
    "profile_history",
    "client_log",
    "api_tokens",
    "api_token_revoke",
    "users",
    "user_invite",
    "user_edit",
    "user_remove",
    "invitation_accept",
    "staff_search",
    "staff_customer",
    "staff_intake",
    "staff_identity_check",
    "staff_reports",
    "staff_report",
    "staff_reset_password",
    "staff_status",
}


def test_the_walk_covers_every_agreed_page_and_can_fill_every_parameter(world):
    pages = accounts_pages()
    missing = sorted(AGREED_PAGES - {p.name for p in pages})
    unfillable = [p.name for p in pages if p.params and p.name not in FILLERS]
    unfillable_api = []
    for operation in api_operations():
        try:
            api_url(operation, world)
        except LookupError:
            unfillable_api.append(str(operation))
    assert (missing, unfillable, unfillable_api) == ([], [], [])
