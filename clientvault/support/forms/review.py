"""The reviewer's form: an action and a ground from the policy profile's list (REV-1)."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.support.forms.forum import ground_choices
from clientvault.support.models import ReviewAction
from clientvault.support.services.review import MESSAGE_ACTIONS

ACTION_HELP = {
    ReviewAction.KEPT: "Keep it: it breaks no rule on that ground.",
    ReviewAction.HIDDEN: "Hide it: no longer shown to anyone but its author and reviewers.",
    ReviewAction.DELETED: "Delete it: its text is no longer shown to anyone.",
    ReviewAction.BLOCKED: "Hide it and block its author from posting in the forum.",
}


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label="Action",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an action.", "invalid_choice": "Choose an action."},
    )
    ground = forms.ChoiceField(
        label="Ground",
        help_text="The acceptable-use policy's ground, told to the author.",
        error_messages={
            "required": "Choose the ground of your decision.",
            "invalid_choice": "Choose a ground from the list.",
        },
    )

    def __init__(self, *args: Any, for_message: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = MESSAGE_ACTIONS if for_message else tuple(ReviewAction)
        action: forms.ChoiceField = self.fields["action"]  # type: ignore[assignment]
        action.choices = [(str(a), ACTION_HELP[ReviewAction(a)]) for a in actions]
        ground: forms.ChoiceField = self.fields["ground"]  # type: ignore[assignment]
        ground.choices = [("", "Choose a ground"), *ground_choices()]
