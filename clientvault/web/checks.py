"""Deployment checks of the web layer (``clientvault check --deploy``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.files.storage import storages


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_files_collected(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A manifest storage serves no page until ``collectstatic`` has written its manifest."""
    storage = storages["staticfiles"]
    if not hasattr(storage, "manifest_name"):
        return []  # development: files are found where they are
    manifest = Path(settings.STATIC_ROOT) / str(storage.manifest_name)
    if manifest.exists():
        return []
    return [
        checks.Error(
            f"static files are not collected into {settings.STATIC_ROOT}: every page would "
            "answer 500",
            hint="run `clientvault collectstatic --noinput` for each release, before serving",
            id="clientvault.E001",
        )
    ]
