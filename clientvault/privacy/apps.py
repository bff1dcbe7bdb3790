from __future__ import annotations

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "clientvault.privacy"
    label = "privacy"
    verbose_name = "Privacy kernel"

    def ready(self) -> None:
        from clientvault.privacy.profile import ProfileError, current_profile

        try:
            current_profile()
        except ProfileError as error:
            raise ImproperlyConfigured(str(error)) from None
        autodiscover_modules("privacy")
