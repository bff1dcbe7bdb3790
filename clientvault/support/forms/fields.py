"""Form fields support's forms share: the message box and several files in one input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from clientvault.support.services.attachments import MAX_BYTES, MAX_FILES, Upload
from clientvault.support.services.texts import MAX_MESSAGE

MESSAGE_HELP = (
    "Never send a card number, password or key here: we remove them before anything is stored."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES files; their content is checked by the service, not here."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def message_field(label: str = "Message") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_MESSAGE,
        help_text=MESSAGE_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": f"{label}: write your message.",
            "max_length": f"{label}: at most {MAX_MESSAGE:,} characters; send long logs as a file.",
        },
    )


def files_field() -> MultipleFileField:
    size = MAX_BYTES // (1024 * 1024)
    return MultipleFileField(
        label="Attachments",
        required=False,
        help_text=f"Up to {MAX_FILES} files of {size} MB each: screenshots (PNG, JPEG, GIF), PDF "
        "or plain text.",
    )


def uploads(files: list[UploadedFile]) -> list[Upload]:
    """The files as the service takes them (the request's size limit bounds what is read)."""
    return [Upload(name=str(f.name or ""), content=f.read()) for f in files]
