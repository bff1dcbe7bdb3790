"""The forum's forms: every posting form asks the author to acknowledge that posts are public
(CTL-5); a report names a ground of the acceptable-use policy."""

from __future__ import annotations

from typing import Any

from django import forms

from clientvault.support.services.forum import MAX_POST
from clientvault.support.services.review import review_grounds
from clientvault.support.services.texts import MAX_TITLE

PUBLIC_ACK_LABEL = "I understand this post is public"
PUBLIC_ACK_REQUIRED = (
    f"Tick \u201c{PUBLIC_ACK_LABEL}\u201d to post: anyone can read and collect what you post "
    "in the forum."
)


def _public_ack() -> forms.BooleanField:
    return forms.BooleanField(
        label=PUBLIC_ACK_LABEL,
        error_messages={"required": PUBLIC_ACK_REQUIRED},
    )


def _body(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Plain text, at most {MAX_POST:,} characters.",
        error_messages={"required": f"{label}: write something first."},
    )


class ReplyForm(forms.Form):
    """A reply or an edit: the text, then the acknowledgement."""

    body = _body("Your post")
    public_ack = _public_ack()


class ThreadForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE,
        error_messages={
            "required": "Title: write one first.",
            "max_length": f"Title: at most {MAX_TITLE} characters.",
        },
    )
    body = _body("Your post")
    public_ack = _public_ack()


class FlagForm(forms.Form):
    ground = forms.ChoiceField(
        label="What does it break?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the post breaks of the acceptable-use policy.",
            "invalid_choice": "Choose one of the listed reasons.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["ground"]  # type: ignore[assignment]
        field.choices = ground_choices()


def ground_choices() -> list[tuple[str, str]]:
    """The profile's grounds, each as its author would read it, capitalised."""
    return [(code, label[:1].upper() + label[1:]) for code, label in review_grounds()]
