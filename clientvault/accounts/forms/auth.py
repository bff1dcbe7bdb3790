"""Sign-in forms: password, second factor, password reset, confirming the password again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from clientvault.accounts.models import User

LOGIN_FAILED = "The username or e-mail address and password do not match an account."
PASSWORD_INPUT_MAX = 4096  # refuse absurd input before hashing it
PASSWORD_HELP = (
    "At least 8 and at most 256 characters. Not a common password, not only digits, and not "
    "like your username. A few unrelated words make a good one."
)


def password_field(label: str, autocomplete: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_INPUT_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class LoginForm(forms.Form):
    username = forms.CharField(
        label="Username or e-mail address",
        max_length=254,
        error_messages={"required": "Username or e-mail address: please fill this in."},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = password_field(
        "Password",
        "current-password",
        error_messages={"required": "Password: please fill this in."},
    )


class ReauthForm(forms.Form):
    password = password_field(
        "Your password",
        "current-password",
        error_messages={"required": "Your password: please fill this in."},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError("Your password: that is not your current password.")
        return password


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        error_messages={"required": "Code: please type the code."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=16,
        help_text="After adding the account to your app, type the 6-digit code it shows.",
        error_messages={"required": "Code from your app: please type the code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label="Username or e-mail address",
        max_length=254,
        error_messages={"required": "Username or e-mail address: please fill this in."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class SetPasswordForm(forms.Form):
    """A new password, typed twice; checked against the password rules for this login."""

    new_password1 = password_field(
        "New password",
        "new-password",
        help_text=PASSWORD_HELP,
        error_messages={"required": "New password: please fill this in."},
    )
    new_password2 = password_field(
        "New password again",
        "new-password",
        error_messages={"required": "New password again: please type it a second time."},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "New password again: the two passwords differ.")
        elif first:
            try:
                validate_password(str(first), self.user)
            except ValidationError as error:
                self.add_error("new_password1", [f"New password: {m}" for m in error.messages])
        return data
