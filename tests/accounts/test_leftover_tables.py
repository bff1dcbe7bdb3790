"""A database made while django-axes, the admin site, Django's sessions and django-otp's plugins
were installed loses their tables (failed sign-ins with typed e-mail and IP addresses in plain
text, the admin log, raw session keys and authenticator secrets)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

MIGRATION = "clientvault.accounts.migrations.0003_drop_uninstalled_apps_tables"


def test_it_drops_the_tables_uninstalled_apps_left_behind():
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE axes_accessattempt (id integer PRIMARY KEY, username varchar(255), "
            "ip_address varchar(64))"
        )
        cursor.execute("INSERT INTO axes_accessattempt VALUES (1, 'ada@example.com', '192.0.2.7')")
        cursor.execute("CREATE TABLE django_admin_log (id integer PRIMARY KEY, object_repr text)")
        cursor.execute("CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY)")
        cursor.execute("INSERT INTO django_session VALUES ('a-raw-session-key')")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('axes', '0001_initial', CURRENT_TIMESTAMP), "
            "('sessions', '0001_initial', CURRENT_TIMESTAMP)"
        )
    drop = importlib.import_module(MIGRATION).drop_leftover_tables
    drop(apps, SimpleNamespace(connection=connection))
    tables = set(connection.introspection.table_names())
    assert not {"axes_accessattempt", "django_admin_log", "django_session"} & tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app IN ('axes', 'sessions')")
        assert cursor.fetchone() == (0,)
    drop(apps, SimpleNamespace(connection=connection))  # nothing left: nothing happens
