"""Forms for the people on an account (COL-5): invite, permissions, joining by invitation."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.accounts.activities import ACCEPT_INVITATION, INVITE_USER, WORK
from clientvault.accounts.forms.area import AreaForm, NewLoginFields, PersonFields
from clientvault.accounts.models import CustomerKind, Invitation, Permission
from clientvault.accounts.validation import EMAIL_MAX_LENGTH

PERMISSIONS_HELP = (
    "An authorised user always sees their own profile, security page and API tokens; tick "
    "what else they may do on the account."
)


def _permissions_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Permissions",
        required=False,
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=PERMISSIONS_HELP,
    )


class InviteForm(AreaForm):
    email = forms.CharField(
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text="We send the invitation link to this address; it works for 7 days.",
    )
    permissions = _permissions_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.apply(INVITE_USER)


class PermissionsForm(AreaForm):
    permissions = _permissions_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_errors()


class AcceptInvitationForm(PersonFields, NewLoginFields):
    """The invitee's own data (ACCEPT_INVITATION) and their own login.

    The e-mail address is the one the invitation went to. Work fields are asked on
    organisation accounts only.
    """

    KEPT = (*ACCEPT_INVITATION.mandatory, *ACCEPT_INVITATION.voluntary, "password_confirm")

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = invitation.customer.kind == CustomerKind.ORGANISATION
        kept = [n for n in self.KEPT if organisation or n not in WORK]
        for name in list(self.fields):
            if name not in (*kept, "accept_policy", "policy_version"):
                del self.fields[name]
        self.fields["given_name"].widget.attrs["autofocus"] = True
        self.apply(ACCEPT_INVITATION)
