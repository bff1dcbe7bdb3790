"""Shared test set-up: kernel test app, a throwaway master key, both databases."""

from __future__ import annotations

import pytest
from hypothesis import settings

# Property tests are never timed: a loaded machine (the browser tests beside them) would turn
# hypothesis's 200 ms deadline into failures that say nothing about the code.
settings.register_profile("clientvault", deadline=None)
settings.load_profile("clientvault")


@pytest.fixture(autouse=True)
def _fresh_vault_caches():
    from clientvault.privacy import vault
    from clientvault.privacy.profile import current_profile

    vault.reset_caches()
    current_profile.cache_clear()
    yield
    vault.reset_caches()
    current_profile.cache_clear()
