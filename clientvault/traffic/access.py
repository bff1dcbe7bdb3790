"""Who may reach the traffic pages, without reading the accounts app's models.

- ``staff_required`` demands a staff login that passed its second factor and whose roles are
  granted ``analytics`` (the marketing team, by default), through the accounts app's
  ``staff_purpose_required``. The figures are anonymous aggregates: opening them is not an
  access to anyone's record, so nothing is added to the access log.
- ``customer_required`` is the accounts app's ``person_required`` with the ``services``
  permission: a service's usage is part of the service, so whoever may see the service page
  may see its usage (an authorised user without it gets 403, other accounts 404).
- ``account_of`` is the signed-in customer's account number, from the kernel's directory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from django.http import Http404, HttpRequest, HttpResponse

from clientvault.accounts.access import person_required, staff_purpose_required
from clientvault.privacy.directory import directory
from clientvault.privacy.taxonomy import Purpose

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]
STAFF_PURPOSE = Purpose.ANALYTICS
SERVICES = "services"  # accounts.Permission.SERVICES, which traffic may not import

customer_required = person_required(SERVICES)


def staff_required(view: View[P]) -> View[P]:
    return staff_purpose_required(
        view, purpose=STAFF_PURPOSE, refusal="your staff role does not analyse traffic"
    )


def account_of(user: Any) -> str:
    """The number of the signed-in person's account; 404 for anyone without one."""
    identity = directory().identify(user)
    if identity is None:
        raise Http404("no customer account")
    return identity.account
