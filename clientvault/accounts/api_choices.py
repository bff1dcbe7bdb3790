"""``/api/v1/choices``: the token's person's own choices (CTL-4, SHR-3), read and changed.

Each change is recorded in the consent ledger with the source ``api`` and audited there
(``services.choices.change_choices``); a choice the same as the current one records nothing.
Only the caller's own choices exist here: there is no id to name anyone else's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from clientvault.accounts.api import ANY_MEMBER, api_person, needs, request_user
from clientvault.accounts.schemas import ChoicesOut, ChoicesPatch, ChoicesPut, Error
from clientvault.accounts.services.choices import (
    change_choices,
    offered_purposes,
    person_choices,
)
from clientvault.privacy.models import ConsentSource

choices_router = Router(tags=["choices"])
CHANGE_DESCRIPTION = (
    "Each change is kept, dated, in the consent ledger (source `api`) and takes effect at "
    "once. 422 names a choice the operator does not offer."
)


@choices_router.get(
    "/choices",
    response={200: ChoicesOut, 404: Error},
    summary="Your choices",
    description="News and offers by e-mail, and sharing with partners where the operator "
    "offers it: each as it stands and since when.",
    operation_id="get_choices",
    openapi_extra=needs(ANY_MEMBER),
)
def get_choices(request: HttpRequest) -> ChoicesOut:
    return ChoicesOut.of(person_choices(person=api_person(request)))


@choices_router.patch(
    "/choices",
    response={200: ChoicesOut},
    summary="Change some of your choices",
    description=CHANGE_DESCRIPTION,
    operation_id="update_choices",
    openapi_extra=needs(ANY_MEMBER),
)
def update_choices(request: HttpRequest, payload: ChoicesPatch) -> ChoicesOut:
    return _change(request, payload.model_dump(exclude_none=True))


@choices_router.put(
    "/choices",
    response={200: ChoicesOut},
    summary="Set all your choices",
    description=f"{CHANGE_DESCRIPTION} Partner sharing and resellers' newsletters are required "
    "where they are offered.",
    operation_id="replace_choices",
    openapi_extra=needs(ANY_MEMBER),
)
def replace_choices(request: HttpRequest, payload: ChoicesPut) -> ChoicesOut:
    chosen = payload.model_dump(exclude_none=True)
    missing = [p for p in offered_purposes(api_person(request)) if p not in chosen]
    if missing:
        raise ValidationError({missing[0]: "Say yes (true) or no (false) to this."})
    return _change(request, chosen)


def _change(request: HttpRequest, chosen: dict[str, Any]) -> ChoicesOut:
    person = api_person(request)
    change_choices(
        person=person, choices=chosen, actor=request_user(request), source=ConsentSource.API
    )
    return ChoicesOut.of(person_choices(person=person))
