"""Which registrar is in use: ``CLIENTVAULT_REGISTRAR`` (today only ``testregistrar``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from clientvault.hosting.registrars.base import Registrar

ADAPTERS: dict[str, str] = {
    "testregistrar": "clientvault.hosting.registrars.testregistrar.TestRegistrar",
}


def registrar_named(name: str) -> Registrar:
    path = ADAPTERS.get(name)
    if path is None:
        known = ", ".join(sorted(ADAPTERS))
        raise ImproperlyConfigured(f"unknown registrar {name!r} (known: {known})")
    factory: Callable[[], Registrar] = import_string(path)
    return factory()


def current_registrar() -> Registrar:
    return registrar_named(settings.REGISTRAR)
