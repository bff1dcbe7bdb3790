# ruff: noqa: F811  (pytest fixtures imported from tests.accounts.personas)
"""/admin/ shows no personal data: no sign-in attempts, no second-factor devices, no job
tracebacks, no customer model. Staff see customer data in the access-logged back office."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from clientvault.accounts.models import StaffRole
from clientvault.privacy.inventory import registry
from tests.accounts.personas import sign_in_staff, staff  # noqa: F401

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

HIDDEN = {
    "axes": ("accessattempt", "accesslog", "accessfailurelog"),
    "django_tasks_database": ("dbtaskresult",),
    "accounts": (
        "apitoken",
        "user",
        "person",
        "customer",
        "identitycheck",
        "delivery",
        "authenticatordevice",
        "recoverycodedevice",
        "storedsession",
    ),
}


@pytest.fixture
def superuser_client(staff) -> Client:
    user = staff(StaffRole.ADMINISTRATOR)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return sign_in_staff(Client(), user)


def test_the_admin_index_lists_no_attempts_devices_jobs_or_customer_models(superuser_client):
    response = superuser_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    for app, models in HIDDEN.items():
        for model in models:
            assert f"/admin/{app}/{model}/" not in page
            assert superuser_client.get(f"/admin/{app}/{model}/").status_code == 404, model
    for word in ("Access attempts", "TOTP devices", "Static devices", "API tokens"):
        assert word not in page


def test_every_model_left_in_the_admin_holds_no_personal_data():
    registered = list(admin.site._registry)
    assert registered, "the admin site is expected to keep its non-personal pages"
    for model in registered:
        declaration = registry.for_model(model)
        assert declaration is not None, f"{model._meta.label} is not declared"
        personal = [name for name, _ in declaration.personal_fields()]
        assert personal == [], f"{model._meta.label} shows {personal} in /admin/"
