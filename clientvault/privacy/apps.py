from __future__ import annotations

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "clientvault.privacy"
    label = "privacy"
    verbose_name = "Privacy kernel"

    def ready(self) -> None:
        """Refuse to start on a bad policy profile or master key source (no database needed)."""
        from clientvault.privacy.crypto import MasterKeyError
        from clientvault.privacy.profile import ProfileError, current_profile
        from clientvault.privacy.vault import check_master_key_source

        try:
            current_profile()
            check_master_key_source()
        except (ProfileError, MasterKeyError) as error:
            raise ImproperlyConfigured(str(error)) from None
        autodiscover_modules("privacy")
