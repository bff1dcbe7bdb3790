"""Who may reach the legal pages, through the accounts app's staff sign-in check: ``staff_required``
demands a staff login that passed its second factor and whose roles are granted
``legal_obligation`` (the legal team, by default; the privacy officer too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponse

from clientvault.accounts.access import staff_purpose_required
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
STAFF_PURPOSE = Purpose.LEGAL_OBLIGATION


def staff_required(view: View[P]) -> View[P]:
    return staff_purpose_required(
        view, purpose=STAFF_PURPOSE, refusal="your staff role does not handle legal process"
    )
