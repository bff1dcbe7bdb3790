"""The copy of a person's data an access request gives them (Art. 15, Art. 20).

The export is gathered from the inventory alone (``privacy.services.export``) and kept, as
JSON, sealed in the vault for the person: erasing them makes an undelivered copy unreadable
too. It is offered for seven days in the customer area and by a link e-mailed to the requester;
ZIP and PDF are made from it when downloaded. The daily job deletes expired copies.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clientvault.privacy import export_formats as formats
from clientvault.privacy.actors import Actor
from clientvault.privacy.services.disclosures import COMMUNICATIONS
from clientvault.privacy.services.export import SubjectExport, export_subject
from clientvault.privacy.taxonomy import CATEGORIES, SENSITIVE_PREFIX
from clientvault.rights.models import Export, ExportFormat, RightsRequest

VALID = datetime.timedelta(days=7)
# What an agent's copy leaves out: the content of communications (released only on the four
# grounds of SHR-6) and sensitive data (never released). The person can ask for it themselves.
AGENT_WITHHELD = (COMMUNICATIONS, *(c for c in CATEGORIES if c.startswith(SENSITIVE_PREFIX)))
RENDERERS = {
    ExportFormat.JSON: (formats.as_json, "application/json"),
    ExportFormat.ZIP: (formats.as_zip, "application/zip"),
    ExportFormat.PDF: (formats.as_pdf, "application/pdf"),
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_export(*, request: RightsRequest, actor: Actor | None) -> tuple[Export, str]:
    """Export the request's person (once: a second run returns the first copy, no new link)."""
    assert request.subject_id is not None, "an access request names its person"
    existing = Export.objects.filter(request=request, subject_id=request.subject_id).first()
    if existing is not None:
        return existing, ""
    withhold = AGENT_WITHHELD if request.is_agent else ()
    document = export_subject(subject_id=request.subject_id, actor=actor, withhold=withhold)
    secret = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        export = Export(
            request=request,
            subject_id=request.subject_id,
            token_digest=_digest(secret),
            created_at=now,
            expires_at=now + VALID,
        )
        export.document = json.dumps(document, sort_keys=True, default=str)
        export.save()
    return export, secret


def export_categories(export: Export) -> list[str]:
    """The data categories an export holds (what an agent who receives it received)."""
    document = json.loads(str(export.document))
    return [str(c["key"]) for c in document.get("categories", [])]


def download_link(export: Export, secret: str) -> str:
    return settings.CLIENTVAULT_SITE_URL + reverse("rights:export_link", args=[export.pk, secret])


def find_by_secret(*, export_id: Any, secret: str) -> Export | None:
    """The live export a link names, or None (a wrong secret and an expired copy alike)."""
    export = Export.objects.filter(pk=export_id, deleted_at__isnull=True).first()
    if export is None or export.expires_at <= timezone.now():
        return None
    ok = secrets.compare_digest(export.token_digest, _digest(secret))
    return export if ok else None


def render(*, export: Export, fmt: str) -> tuple[bytes, str, str]:
    """The file in ``fmt``: its bytes, content type and file name."""
    make, content_type = RENDERERS[ExportFormat(fmt)]
    document = cast(SubjectExport, json.loads(str(export.document)))
    if export.downloaded_at is None:
        Export.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    name = f"my-data-{export.request.reference}.{fmt}"
    return make(document), content_type, name


def delete_expired_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the copies whose seven days are over (the row stays, saying when)."""
    moment = now or timezone.now()
    expired = Export.objects.filter(expires_at__lte=moment, deleted_at__isnull=True)
    return expired.update(document="", deleted_at=moment)
