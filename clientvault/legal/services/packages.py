"""The authority's download: a release's link (secret, digest kept) opens its packages until
it expires; the first download marks the release delivered."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clientvault.legal.models import Package, Release, ReleaseStatus
from clientvault.legal.services.releases import digest
from clientvault.privacy import export_formats as formats
from clientvault.privacy.actors import SystemActor
from clientvault.privacy.services.audit import record_event
from clientvault.privacy.services.export import SubjectExport

AUTHORITY_LINK = SystemActor("authority_link")
RENDERERS = {
    "json": (formats.as_json, "application/json"),
    "zip": (formats.as_zip, "application/zip"),
    "pdf": (formats.as_pdf, "application/pdf"),
}


def package_link(release: Release, secret: str) -> str:
    path = reverse("legal:package", args=[release.pk, secret])
    return str(settings.CLIENTVAULT_SITE_URL) + path


def find_release(*, release_id: uuid.UUID, secret: str) -> Release | None:
    """The approved, unexpired release a link names; None for a wrong or lapsed link alike."""
    release = Release.objects.filter(
        pk=release_id, status__in=[ReleaseStatus.APPROVED, ReleaseStatus.DELIVERED]
    ).first()
    if release is None or release.expires_at is None or release.expires_at <= timezone.now():
        return None
    return release if secrets.compare_digest(release.token_digest, digest(secret)) else None


def render_package(*, package: Package, fmt: str) -> tuple[bytes, str, str]:
    """One subject's package in ``fmt``: bytes, content type, file name; audited."""
    make, content_type = RENDERERS[fmt]
    document = cast(SubjectExport, json.loads(str(package.document)))
    release = package.release
    with transaction.atomic():
        if release.delivered_at is None:
            Release.objects.filter(pk=release.pk).update(
                delivered_at=timezone.now(), status=ReleaseStatus.DELIVERED
            )
        record_event(
            action="legal.package_downloaded",
            actor=AUTHORITY_LINK,
            subject_id=package.subject_id,
            obj=package,
            details={"format": fmt},
        )
    name = f"{release.demand.reference}-{package.subject.reference}.{fmt}"
    return make(document), content_type, name
