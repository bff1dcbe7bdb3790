"""Sign-in by username or e-mail address (SEC-2).

Usernames match in any case. An e-mail address finds a customer through the blind index of
``Person.email`` and a staff member through ``User.email``. An unknown login costs the same
password hashing as a known one, so the response time does not tell them apart.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from clientvault.accounts.models import User
from clientvault.accounts.services.auth import find_login_user, may_sign_in


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            User().set_password(password)  # the same work as checking a real password
            return None
        if user.check_password(password) and may_sign_in(user):
            return user
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return isinstance(user, User) and may_sign_in(user)
