"""Reading a login's vault columns past the ORM, as an attacker with the database would."""

from __future__ import annotations

from django.db import connection

from clientvault.accounts.models import User

COLUMNS = ("first_name", "last_name", "email", "email_index")


def stored_columns(user: User) -> dict[str, str | None]:
    """What the database holds for the login's name, e-mail and e-mail index."""
    pk = User._meta.pk.get_db_prep_value(user.pk, connection)  # SQLite keeps UUIDs as hex
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM accounts_user WHERE id = %s", [pk])
        row = cursor.fetchone()
    return dict(zip(COLUMNS, row, strict=True))
