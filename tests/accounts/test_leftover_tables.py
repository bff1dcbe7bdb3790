"""A database made while django-axes and the admin site were installed loses their tables
(failed sign-ins with typed e-mail and IP addresses in plain text, the admin log)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

MIGRATION = "clientvault.accounts.migrations.0002_drop_axes_and_admin_tables"


def test_it_drops_the_tables_axes_and_the_admin_site_left_behind():
    connection = connections["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE axes_accessattempt (id integer PRIMARY KEY, username varchar(255), "
            "ip_address varchar(64))"
        )
        cursor.execute("INSERT INTO axes_accessattempt VALUES (1, 'ada@example.com', '192.0.2.7')")
        cursor.execute("CREATE TABLE django_admin_log (id integer PRIMARY KEY, object_repr text)")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('axes', '0001_initial', CURRENT_TIMESTAMP)"
        )
    drop = importlib.import_module(MIGRATION).drop_leftover_tables
    drop(apps, SimpleNamespace(connection=connection))
    tables = set(connection.introspection.table_names())
    assert not {"axes_accessattempt", "django_admin_log"} & tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app IN ('axes', 'admin')")
        assert cursor.fetchone() == (0,)
    drop(apps, SimpleNamespace(connection=connection))  # nothing left: nothing happens
