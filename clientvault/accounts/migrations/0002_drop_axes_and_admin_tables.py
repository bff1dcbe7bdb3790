"""Drop the tables of django-axes and Django's admin site, which clientvault no longer installs.

django-axes kept failed sign-ins with the typed username or e-mail address and the IP address
in plain text; the admin log kept staff changes with object names. Uninstalling an app leaves
its tables behind, live and in every backup, so this removes them where they exist (a database
made before they went); their migration records go too. Nothing is put back on reversal.
"""

from django.db import migrations

LEFTOVER_TABLES = (
    "axes_accessattemptexpiration",  # first: it refers to axes_accessattempt
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "django_admin_log",
)
LEFTOVER_APPS = ("axes", "admin")


def drop_leftover_tables(apps, schema_editor):
    connection = schema_editor.connection
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in LEFTOVER_TABLES:
            if table in present:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute(
            "DELETE FROM django_migrations WHERE app IN (%s, %s)", list(LEFTOVER_APPS)
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(drop_leftover_tables, migrations.RunPython.noop)]
