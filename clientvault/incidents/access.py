"""Who may reach the incident pages, through the accounts app's staff sign-in check.

``staff_required`` demands a staff login that passed its second factor and whose roles are
granted the ``security`` purpose in the policy profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse

from clientvault.accounts.access import staff_purpose_required
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
STAFF_PURPOSE = Purpose.SECURITY


def staff_required(view: View[P]) -> View[P]:
    return staff_purpose_required(
        view, purpose=STAFF_PURPOSE, refusal="your staff role does not handle security incidents"
    )
