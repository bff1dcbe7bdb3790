"""Which server module is in use: ``settings.SERVER_MODULE`` (``testpanel``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from clientvault.hosting.modules.base import ServerModule

MODULES: dict[str, str] = {
    "testpanel": "clientvault.hosting.modules.testpanel.TestPanel",
}


def module_named(name: str) -> ServerModule:
    path = MODULES.get(name)
    if path is None:
        known = ", ".join(sorted(MODULES))
        raise ImproperlyConfigured(f"unknown server module {name!r} (known: {known})")
    factory: Callable[[], ServerModule] = import_string(path)
    return factory()


def current_module() -> ServerModule:
    return module_named(settings.SERVER_MODULE)
