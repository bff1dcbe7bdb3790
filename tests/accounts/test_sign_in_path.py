# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""One sign-in path: no Django admin site, and no view of Django's own that signs anyone in.

Every route of the resolver is served by a view of clientvault's own modules (the JSON API by
django-ninja's router, whose operations authenticate only with clientvault's API tokens), and
of clientvault's modules only the sign-in path calls Django's ``authenticate()`` or ``login()``
or django-otp's ``login()``: the sign-in pages with their throttles, lockout, login history,
tracked sessions and audit.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from clientvault.accounts.models import StaffRole
from clientvault.api import api
from tests.accounts.access_world import report, resolver_entries
from tests.accounts.personas import sign_in_staff, staff  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URLS = ["/admin/", "/admin/login/", "/admin/password_change/", "/admin/logout/"]
# The modules that may sign a login in, and why.
SIGN_IN_MODULES = {
    "clientvault/accounts/views/auth.py": "the sign-in, second-factor and enrolment pages",
    "clientvault/accounts/views/area.py": "signing in the login just made (signup, invitations)",
    "clientvault/accounts/services/auth.py": "the sign-in service: session, history, audit",
}
SIGNING_IN = {"django.contrib.auth": {"authenticate", "login"}, "django_otp": {"login"}}
API_NAMESPACE = "api-v1"


@pytest.fixture
def superuser_client(staff) -> Client:
    user = staff(StaffRole.ADMINISTRATOR)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return sign_in_staff(Client(), user)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_the_admin_site_is_gone_for_visitors(url):
    assert Client().get(url).status_code == 404
    assert Client().post(url, {"username": "root", "password": "x"}).status_code == 404


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_the_admin_site_is_gone_for_a_signed_in_superuser(superuser_client, url):
    assert superuser_client.get(url).status_code == 404


def test_the_admin_app_is_not_installed():
    assert not apps.is_installed("django.contrib.admin")


def _module_of(callback: object) -> str:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)  # type: ignore[arg-type]
    return str(getattr(view, "__module__", "") or "")


def test_every_route_is_served_by_clientvaults_own_views():
    problems = []
    for namespace, text, entry in resolver_entries():
        module = _module_of(entry.callback)
        if module.startswith("django."):
            problems.append(f"/{text} is served by {module}")
        elif not module.startswith("clientvault.") and namespace != API_NAMESPACE:
            problems.append(f"/{text} is served by {module or 'an unknown module'}")
    assert not problems, report(problems)


def test_the_api_authenticates_only_with_clientvaults_api_tokens():
    problems = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for auth in operation.auth_callbacks:
                    module = type(auth).__module__
                    if not module.startswith("clientvault."):
                        problems.append(f"{prefix}{path}: authenticated by {module}")
    assert not problems, report(problems)


def _signs_in(path: Path) -> list[str]:
    """What the module imports to sign someone in (``authenticate``, ``login``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module in SIGNING_IN:
            names = {alias.name for alias in node.names} & SIGNING_IN[node.module]
            found += [f"{node.module}.{name}" for name in sorted(names)]
        if isinstance(node, ast.Import) and any(
            a.name == "django.contrib.auth" for a in node.names
        ):
            found.append("django.contrib.auth")
    return found


def test_only_the_sign_in_path_signs_anyone_in():
    signing = {}
    for path in sorted((ROOT / "clientvault").rglob("*.py")):
        found = _signs_in(path)
        if found:
            signing[str(path.relative_to(ROOT))] = found
    assert set(signing) == set(SIGN_IN_MODULES), signing
