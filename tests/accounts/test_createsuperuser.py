"""Django's ``createsuperuser`` makes a login with its own subject and a sealed e-mail."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from clientvault.accounts.models import User
from clientvault.accounts.services.auth import find_login_user
from clientvault.privacy import vault
from tests.accounts.columns import stored_columns

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


def test_it_creates_a_superuser_without_prompting(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery-staple-42")
    call_command("createsuperuser", interactive=False, username="root", email="Root@Host.Example")
    user = User.objects.get(username="root")
    assert user.is_superuser
    assert user.is_staff
    assert user.subject_id is not None
    assert user.email == "Root@host.example"  # Django lower-cases the domain
    assert str(stored_columns(user)["email"]).startswith(vault.TOKEN_PREFIX)
    assert find_login_user("root@host.example") == user
    assert user.check_password("correct-horse-battery-staple-42")
