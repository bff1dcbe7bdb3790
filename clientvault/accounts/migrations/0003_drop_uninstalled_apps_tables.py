"""Drop the tables of apps clientvault no longer installs: django-axes, Django's admin site,
Django's database sessions and django-otp's own device plugins.

django-axes kept failed sign-ins with the typed username or e-mail address and the IP address
in plain text; the admin log kept staff changes with object names; Django's session table kept
raw session keys and django-otp's plugins raw authenticator secrets and recovery codes (their
replacements are accounts' own, migration 0002). Uninstalling an app leaves its tables behind,
live and in every backup, so this removes them where they exist (a database made before they
went); their migration records go too. Nothing is put back on reversal.
"""

from django.db import migrations

LEFTOVER_TABLES = (
    "axes_accessattemptexpiration",  # first: it refers to axes_accessattempt
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "django_admin_log",
    "django_session",
    "otp_static_statictoken",  # first: it refers to otp_static_staticdevice
    "otp_static_staticdevice",
    "otp_totp_totpdevice",
)
LEFTOVER_APPS = ("axes", "admin", "sessions", "otp_static", "otp_totp")


def drop_leftover_tables(apps, schema_editor):
    connection = schema_editor.connection
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in LEFTOVER_TABLES:
            if table in present:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        marks = ", ".join(["%s"] * len(LEFTOVER_APPS))
        cursor.execute(f"DELETE FROM django_migrations WHERE app IN ({marks})", LEFTOVER_APPS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sealed_second_factor_and_hashed_sessions")]

    operations = [migrations.RunPython(drop_leftover_tables, migrations.RunPython.noop)]
