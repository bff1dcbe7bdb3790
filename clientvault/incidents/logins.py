"""Staff logins by username, as the audit log names them (``user:42``), without the accounts app.

The kernel's directory finds customers, not staff by username, so this asks Django's user model
(``get_user_model()``) for the login's primary key only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from clientvault.privacy.actors import actor_ref


def login_ref(username: str) -> str | None:
    """The audit reference of the login called ``username``; None when there is none."""
    user = get_user_model()._default_manager.filter(username=username.strip()).first()
    return actor_ref(user) if user is not None else None
