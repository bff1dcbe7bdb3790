"""``vault.check_master_key_source()``: the key ring is read and parsed at start-up, no database.

No test here may touch a database (none is allowed): the check runs before any exists.
"""

from __future__ import annotations

import pytest

from clientvault.privacy import crypto, vault
from clientvault.privacy.crypto import MasterKeyError


@pytest.fixture
def production(settings):
    settings.CLIENTVAULT_DEV_KEYS = False


def _use_text(settings, text):
    settings.CLIENTVAULT_MASTER_KEY_FILE = None
    settings.CLIENTVAULT_MASTER_KEY = text


def test_it_refuses_a_key_file_that_does_not_exist(settings, production, tmp_path):
    settings.CLIENTVAULT_MASTER_KEY_FILE = tmp_path / "missing.key"
    with pytest.raises(MasterKeyError, match=r"^master key file .*missing.key does not exist$"):
        vault.check_master_key_source()


def test_it_refuses_a_key_file_that_cannot_be_read(settings, production, tmp_path):
    settings.CLIENTVAULT_MASTER_KEY_FILE = tmp_path  # a directory
    with pytest.raises(MasterKeyError, match="cannot be read: Is a directory"):
        vault.check_master_key_source()


def test_it_refuses_a_malformed_key_file(settings, production, tmp_path):
    path = tmp_path / "master.key"
    path.write_text("v1:tooshort\n")
    settings.CLIENTVAULT_MASTER_KEY_FILE = path
    with pytest.raises(MasterKeyError, match=f"master key file {path}: entry 1 is not a base64"):
        vault.check_master_key_source()


@pytest.mark.parametrize("text", ["garbage", "", "v1:abc$def"])
def test_it_refuses_malformed_key_text(settings, production, text):
    _use_text(settings, text)
    with pytest.raises(MasterKeyError, match=r"^CLIENTVAULT_MASTER_KEY"):
        vault.check_master_key_source()


def test_it_accepts_a_well_formed_ring_without_the_key_store(settings, production):
    _use_text(settings, crypto.format_entry(2, crypto.new_key()))
    vault.check_master_key_source()  # no database access is allowed in this module


def test_the_development_key_file_may_not_exist_yet(settings, tmp_path):
    settings.CLIENTVAULT_DEV_KEYS = True
    settings.CLIENTVAULT_MASTER_KEY_FILE = tmp_path / "master.key"
    vault.check_master_key_source()
    assert not (tmp_path / "master.key").exists()  # made on first use, not by the check
