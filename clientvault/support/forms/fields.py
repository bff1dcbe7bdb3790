"""Form fields support's forms share: the message box and several files in one input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from clientvault.privacy.redaction import redact
from clientvault.support.errors import refuse
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
    """The files as the service takes them; too many, or one too big, is refused before any
    is read into memory (the service checks each one's content)."""
    if len(files) > MAX_FILES:
        raise refuse("files", f"Attach at most {MAX_FILES} files to one message.", "too_many")
    for f in files:
        if (f.size or 0) > MAX_BYTES:
            name = redact(str(f.name or "")).text
            raise refuse("files", f"The file \u201c{name}\u201d is larger than 5 MB.", "too_big")
    return [Upload(name=str(f.name or ""), content=f.read()) for f in files]


def hide_secrets(form: forms.Form, names: tuple[str, ...]) -> str:
    """Redact the texts a bound form sends back with its errors, so a secret typed in is never
    echoed into the page; what was removed, in words (for the page)."""
    if not form.is_bound:
        return ""
    data = QueryDict(mutable=True)
    data.update(form.data)
    said = []
    for name in names:
        if name in data:
            redaction = redact(str(data[name]))
            data[name] = redaction.text
            said += [redaction.explanation()] if redaction.changed else []
    form.data = data
    return " ".join(said)
