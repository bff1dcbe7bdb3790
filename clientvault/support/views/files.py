"""Serving a ticket's file: a download read through ``reveal``, never inline, never public."""

from __future__ import annotations

import base64
import binascii

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from clientvault.privacy.actors import Actor
from clientvault.privacy.reveal import reveal
from clientvault.privacy.vault import Erased
from clientvault.support.models import Attachment


def download(found: Attachment, actor: Actor, purpose: str) -> HttpResponse:
    """The file, of the type its content showed; 404 once erased or unreadable."""
    data = reveal(found, "data", purpose, actor)
    if isinstance(data, Erased):
        raise Http404("This file was erased.")
    try:
        content = base64.b64decode(data, validate=True)
    except binascii.Error as error:
        raise Http404("This file cannot be read.") from error
    name = reveal(found, "filename", purpose, actor)
    response = HttpResponse(content, content_type=found.content_type)
    disposition = content_disposition_header(True, str(name) or "attachment")
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
