from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clientvault.privacy import crypto, vault
from clientvault.privacy.crypto import MasterKeyError
from clientvault.privacy.fields import lookup
from clientvault.privacy.models import MasterKeyVersion, SubjectKey, SystemKey
from clientvault.privacy.services.audit import AUDIT_KEY_NAME, record_event, verify_chain
from tests.kernelapp.helpers import make_contact, raw_column, reload, write_ring
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def key_file(tmp_path, settings):
    """A development key file of the test's own, with version 1."""
    path = tmp_path / "master.key"
    settings.CLIENTVAULT_MASTER_KEY_FILE = path
    settings.CLIENTVAULT_MASTER_KEY = ""
    settings.CLIENTVAULT_DEV_KEYS = True
    write_ring(path, {1: crypto.new_key()})
    vault.reset_caches()
    return path


@pytest.fixture
def people(key_file):
    ada = make_contact(name="Ada", email="ada@example.com", card="4111111111111111")
    bob = make_contact(name="Bob", email="bob@example.com")
    return ada, bob


def _keys(command, *args):
    out = StringIO()
    call_command("keys", command, *args, stdout=out)
    return out.getvalue()


def _wrapped():
    rows = [*SubjectKey.objects.all(), *SystemKey.objects.all()]
    return {(type(row).__name__, row.pk): (bytes(row.wrapped), row.master_version) for row in rows}


def _use_ring_file(settings, path):
    settings.CLIENTVAULT_MASTER_KEY_FILE = path
    settings.CLIENTVAULT_DEV_KEYS = False
    vault.reset_caches()


def _assert_reads(ada, bob):
    ada, bob = reload(ada), reload(bob)
    assert (ada.name, ada.email, bob.name) == ("Ada", "ada@example.com", "Bob")
    assert Contact._meta.get_field("card_number").open(ada) == "4111111111111111"
    assert Contact.objects.get(**lookup(Contact, "email_index", "BOB@example.com")) == bob


def test_rotate_rewraps_every_key_under_a_new_version_without_touching_the_data(key_file, people):
    before, tokens = _wrapped(), [raw_column(c, "email") for c in people]
    old_ring = key_file.read_text()
    output = _keys("rotate")
    assert "Re-wrapped 3 keys under master key version 2" in output  # 2 subjects + blind index
    after = _wrapped()
    assert after.keys() == before.keys()
    assert all(after[k][0] != before[k][0] and after[k][1] == 2 for k in before)
    assert [raw_column(c, "email") for c in people] == tokens
    assert sorted(crypto.parse_keyring(key_file.read_text(), "test").keys) == [1, 2]
    assert not vault.pending_keyring_path(key_file).exists()
    assert set(MasterKeyVersion.objects.values_list("version", flat=True)) == {1, 2}
    _assert_reads(*people)
    key_file.write_text(old_ring)  # the old ring alone no longer opens anything
    vault.reset_caches()
    with pytest.raises(MasterKeyError, match="moved to master key version 2"):
        _ = Contact.objects.get(pk=people[0].pk).name


def test_the_audit_chain_still_verifies_under_its_rewrapped_key_after_a_rotation(key_file, people):
    for n in range(3):
        record_event(action="test.before_rotation", actor=None, details={"n": n})
    assert "Re-wrapped 4 keys" in _keys("rotate")  # 2 subjects, the blind index, the audit key
    vault.reset_caches()
    assert SystemKey.objects.get(name=AUDIT_KEY_NAME).master_version == 2
    record_event(action="test.after_rotation", actor=None)
    result = verify_chain()
    assert (result.checked, result.first_break) == (4, None)


def test_rotating_twice_moves_on_to_version_three(key_file, people):
    _keys("rotate")
    assert "under master key version 3" in _keys("rotate")
    _assert_reads(*people)


def test_rotate_to_a_new_key_file_outside_development(settings, tmp_path, key_text, people):
    new = tmp_path / "new.key"
    write_ring(new, {2: crypto.new_key()})
    output = _keys("rotate", "--new-key-file", str(new))
    assert "Re-wrapped 3 keys under master key version 2" in output
    assert f"set CLIENTVAULT_MASTER_KEY_FILE={new}" in output
    assert {v for _, v in _wrapped().values()} == {2}
    _use_ring_file(settings, new)
    _assert_reads(*people)
    settings.CLIENTVAULT_MASTER_KEY_FILE = None  # back to the old ring, as text
    vault.reset_caches()
    with pytest.raises(MasterKeyError, match="goes only to version 1"):
        vault.keyring()


@pytest.fixture
def key_text(settings, key_file):
    """The current ring given as CLIENTVAULT_MASTER_KEY (production style)."""
    settings.CLIENTVAULT_MASTER_KEY = key_file.read_text()
    settings.CLIENTVAULT_MASTER_KEY_FILE = None
    settings.CLIENTVAULT_DEV_KEYS = False
    vault.reset_caches()


def test_rotate_refuses_without_a_new_key_file_outside_development(key_text, people):
    with pytest.raises(CommandError, match="keys rotate --new-key-file NEW"):
        _keys("rotate")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot be read"),
        ("", "is empty"),
        ("v2:short", "entry 1 is not a base64-encoded 32-byte key"),
        (crypto.format_entry(1, bytes(range(32))), "must be newer than version 1"),
    ],
    ids=["unreadable", "empty", "not a key", "not newer"],
)
def test_rotate_refuses_a_bad_new_key_file_and_changes_nothing(
    key_file, people, tmp_path, content, problem
):
    new = tmp_path / "new.key"
    if content is not None:
        new.write_text(content)
    before = _wrapped()
    with pytest.raises(CommandError, match=problem) as caught:
        _keys("rotate", "--new-key-file", str(new))
    assert str(new) in str(caught.value)
    assert _wrapped() == before


def test_a_failed_rotation_changes_neither_the_keys_nor_the_key_file(key_file, people):
    ring = key_file.read_text()
    ada = people[0]
    SubjectKey.objects.filter(subject_id=ada.subject_id).update(wrapped=b"damaged" * 10)
    before = _wrapped()
    with pytest.raises(CommandError, match=f"subject-key:{ada.subject_id}"):
        _keys("rotate")
    assert _wrapped() == before
    assert key_file.read_text() == ring
    assert not vault.pending_keyring_path(key_file).exists()
    assert not MasterKeyVersion.objects.filter(version=2).exists()


def test_status_shows_versions_fingerprints_and_key_counts(key_file, people):
    vault.destroy_subject_key(people[0].subject_id)
    fingerprint = MasterKeyVersion.objects.get(version=1).fingerprint
    output = _keys("status")
    assert f"master key file {key_file} (v1; newest v1)" in output
    assert f"v1  fingerprint {fingerprint[:12]}  subject keys 1  system keys 1" in output
    assert "Subject keys: 1 live, 1 destroyed" in output
    _keys("rotate")
    output = _keys("status")
    assert "subject keys 0  system keys 0" in output
    assert "subject keys 1  system keys 1  (newest)" in output


def test_status_fails_when_keys_are_wrapped_under_a_version_the_ring_lacks(settings, tmp_path):
    path = tmp_path / "master.key"
    ring = write_ring(path, {2: crypto.new_key()})
    _use_ring_file(settings, path)
    MasterKeyVersion.objects.create(version=1, fingerprint="0" * 64)
    MasterKeyVersion.objects.create(version=2, fingerprint=crypto.fingerprint(ring.current))
    make_contact(name="Ada", email="")
    SubjectKey.objects.update(master_version=1)
    with pytest.raises(CommandError, match="wrapped under master key version 1, which the ring"):
        _keys("status")


def test_it_refuses_status_under_an_unknown_newer_version_and_records_nothing(
    settings, key_text, people
):
    right = settings.CLIENTVAULT_MASTER_KEY
    settings.CLIENTVAULT_MASTER_KEY = crypto.format_entry(3, crypto.new_key())
    vault.reset_caches()
    with pytest.raises(CommandError, match="master key version 3 is not known to the key store"):
        _keys("status")
    assert set(MasterKeyVersion.objects.values_list("version", flat=True)) == {1}
    settings.CLIENTVAULT_MASTER_KEY = right  # the right key is not locked out
    vault.reset_caches()
    assert "v1  fingerprint" in _keys("status")
    _assert_reads(*people)


def test_rotate_moves_to_a_new_version_that_status_refused_before(
    settings, tmp_path, key_text, people
):
    new_key = crypto.new_key()
    old_ring = crypto.parse_keyring(settings.CLIENTVAULT_MASTER_KEY, "test")
    settings.CLIENTVAULT_MASTER_KEY = crypto.format_entry(3, new_key)
    vault.reset_caches()
    with pytest.raises(CommandError, match="run `clientvault keys rotate`"):
        _keys("status")
    settings.CLIENTVAULT_MASTER_KEY = old_ring.serialise()  # as the message says
    vault.reset_caches()
    new = tmp_path / "new.key"
    write_ring(new, {**old_ring.keys, 3: new_key})
    assert "under master key version 3" in _keys("rotate", "--new-key-file", str(new))
    settings.CLIENTVAULT_MASTER_KEY = crypto.format_entry(3, new_key)  # the new key alone
    vault.reset_caches()
    assert "(v3; newest v3)" in _keys("status")
    _assert_reads(*people)


def test_a_wrong_master_key_is_a_clear_command_error(key_file, people):
    write_ring(key_file, {1: crypto.new_key()})
    vault.reset_caches()
    with pytest.raises(CommandError, match="version 1 does not match the key store"):
        _keys("status")


def test_generate_writes_the_ring_plus_a_new_version_for_rotation(key_file, people, tmp_path):
    new = tmp_path / "next.key"
    output = _keys("generate", str(new))
    assert f"keys rotate --new-key-file {new}" in output
    assert new.stat().st_mode & 0o777 == 0o600
    ring = crypto.parse_keyring(new.read_text(), "test")
    assert sorted(ring.keys) == [1, 2]
    assert ring.keys[1] == vault.keyring().keys[1]
    _keys("rotate", "--new-key-file", str(new))
    with pytest.raises(CommandError, match="already exists"):
        _keys("generate", str(new))
