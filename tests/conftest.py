"""Shared test set-up: kernel test app, a throwaway master key, both databases."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_vault_caches():
    from clientvault.privacy import vault
    from clientvault.privacy.profile import current_profile

    vault.reset_caches()
    current_profile.cache_clear()
    yield
    vault.reset_caches()
    current_profile.cache_clear()
