import uuid

import pytest
from django.utils import timezone

from clientvault.privacy import crypto, vault
from clientvault.privacy.crypto import MasterKeyError
from clientvault.privacy.models import MasterKeyVersion, Subject, SubjectKey
from tests.kernelapp.helpers import make_contact, reload, write_ring
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])


@pytest.fixture
def key_file(tmp_path, settings):
    """A development key file of the test's own."""
    path = tmp_path / "master.key"
    settings.CLIENTVAULT_MASTER_KEY_FILE = path
    settings.CLIENTVAULT_MASTER_KEY = ""
    settings.CLIENTVAULT_DEV_KEYS = True
    vault.reset_caches()
    return path


@pytest.fixture
def key_text(settings):
    """Set the master key ring as text (CLIENTVAULT_MASTER_KEY)."""

    def use(text):
        settings.CLIENTVAULT_MASTER_KEY_FILE = None
        settings.CLIENTVAULT_MASTER_KEY = text
        settings.CLIENTVAULT_DEV_KEYS = False
        vault.reset_caches()

    return use


def _open(contact, field):
    return Contact._meta.get_field(field).open(contact)


def test_shredding_one_subject_erases_their_values_and_no_one_elses():
    ada = make_contact(name="Ada", email="ada@example.com", card="4111111111111111")
    bob = make_contact(name="Bob", email="bob@example.com", card="5500000000000004")
    assert vault.destroy_subject_key(ada.subject_id) is True
    for contact in (Contact.objects.get(pk=ada.pk), reload(ada)):
        assert contact.name is vault.ERASED
        assert contact.email == vault.ERASED
        assert contact.card_number is vault.RESTRICTED
        assert isinstance(_open(contact, "card_number"), vault.Erased)
    bob = reload(bob)
    assert (bob.name, bob.email, _open(bob, "card_number")) == (
        "Bob",
        "bob@example.com",
        "5500000000000004",
    )


def test_destroying_a_key_is_idempotent():
    ada = make_contact(name="Ada", email="ada@example.com")
    assert vault.destroy_subject_key(ada.subject_id) is True
    assert vault.destroy_subject_key(ada.subject_id) is False
    row = SubjectKey.objects.get(subject_id=ada.subject_id)
    assert (row.wrapped, row.destroyed_at is not None) == (None, True)


def test_nothing_new_is_sealed_for_an_erased_subject():
    ada = make_contact(name="Ada", email="ada@example.com")
    vault.destroy_subject_key(ada.subject_id)
    with pytest.raises(vault.CorruptValue, match="is erased"):
        make_contact(name="Ada again", email="", subject=ada.subject)


def test_a_subject_erased_before_having_a_key_never_gets_one():
    subject = Subject.objects.create()
    assert vault.destroy_subject_key(subject.id) is False
    vault.create_subject_key(subject.id)
    assert vault.subject_key(subject.id) is None
    with pytest.raises(vault.CorruptValue):
        make_contact(name="Ada", email="", subject=subject)


def test_a_subjects_key_is_made_when_their_first_value_is_sealed():
    subject = Subject.objects.create()
    assert not SubjectKey.objects.filter(subject_id=subject.id).exists()
    contact = make_contact(name="Ada", email="", subject=subject)
    assert SubjectKey.objects.filter(subject_id=subject.id, wrapped__isnull=False).exists()
    assert reload(contact).name == "Ada"


def test_a_key_destroyed_elsewhere_stops_opening_values_once_the_cache_expires(settings):
    ada = make_contact(name="Ada", email="ada@example.com")
    settings.CLIENTVAULT_KEY_CACHE_SECONDS = 0
    assert reload(ada).name == "Ada"  # the key is now cached in this thread
    SubjectKey.objects.filter(subject_id=ada.subject_id).update(  # another process shreds
        wrapped=None, destroyed_at=timezone.now()
    )
    assert Contact.objects.get(pk=ada.pk).name is vault.ERASED


def test_a_value_without_a_subject_reads_as_erased():
    assert vault.decrypt(None, "kernelapp.Contact.name:1", "cv1:AAAA") is vault.ERASED


def test_a_wrong_master_key_is_refused_naming_the_mismatch(key_file):
    write_ring(key_file, {1: crypto.new_key()})
    make_contact(name="Ada", email="ada@example.com")  # the store records version 1
    write_ring(key_file, {1: crypto.new_key()})
    vault.reset_caches()
    with pytest.raises(MasterKeyError, match=r"version 1 does not match the key store") as caught:
        vault.keyring()
    assert str(key_file) in str(caught.value)


def test_a_wrong_master_key_given_as_text_is_refused(key_text):
    key_text(crypto.format_entry(1, crypto.new_key()))
    vault.keyring()
    key_text(crypto.format_entry(1, crypto.new_key()))
    with pytest.raises(MasterKeyError, match="CLIENTVAULT_MASTER_KEY: version 1 does not match"):
        vault.keyring()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("not-a-key", "entry 1 is not a base64-encoded 32-byte key"),
        ("v1:" + "A" * 20, "entry 1 is not a base64-encoded 32-byte key"),
        ("v1:abc$def", "entry 1 is not of the form"),
        ("version1:" + "A" * 43 + "=", "entry 1 is not of the form"),
        (f"v1:{'A' * 43}= v1:{'B' * 43}=", "version 1 appears twice"),
    ],
)
def test_malformed_key_text_is_refused(key_text, text, problem):
    key_text(text)
    with pytest.raises(MasterKeyError, match=problem) as caught:
        vault.keyring()
    assert "CLIENTVAULT_MASTER_KEY" in str(caught.value)


def test_a_bare_key_is_version_one(key_text):
    key = crypto.new_key()
    key_text(crypto.format_entry(1, key).removeprefix("v1:"))
    assert vault.keyring().keys == {1: key}


def test_a_missing_key_file_is_refused_outside_development(key_file, settings):
    settings.CLIENTVAULT_DEV_KEYS = False
    with pytest.raises(MasterKeyError, match=f"master key file {key_file} does not exist"):
        vault.keyring()


def test_a_development_key_file_is_made_on_first_use_readable_by_its_owner_only(key_file):
    ring = vault.keyring()
    assert ring.current_version == 1
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert MasterKeyVersion.objects.get().fingerprint == crypto.fingerprint(ring.current)


def test_a_ring_older_than_the_key_store_is_refused(key_file):
    old = write_ring(key_file, {1: crypto.new_key()})
    vault.keyring()
    MasterKeyVersion.objects.create(version=2, fingerprint=crypto.fingerprint(crypto.new_key()))
    vault.reset_caches()
    with pytest.raises(MasterKeyError, match="moved to master key version 2"):
        vault.keyring()
    assert old.current_version == 1


def test_a_rotation_interrupted_after_its_commit_is_finished_at_the_next_start(key_file):
    old = write_ring(key_file, {1: crypto.new_key()})
    ada = make_contact(name="Ada", email="ada@example.com")
    new = old.with_new_version(2)
    pending = vault.pending_keyring_path(key_file)
    vault.write_keyring_file(pending, new)
    vault.rotate_master_key(new)  # committed; the process dies before replacing the key file
    assert reload(ada).name == "Ada"
    assert not pending.exists()
    assert crypto.parse_keyring(key_file.read_text(), "test").keys == new.keys


def test_a_rotation_interrupted_before_its_commit_leaves_everything_readable(key_file):
    old = write_ring(key_file, {1: crypto.new_key()})
    ada = make_contact(name="Ada", email="ada@example.com")
    pending = vault.pending_keyring_path(key_file)
    vault.write_keyring_file(pending, old.with_new_version(2))
    assert reload(ada).name == "Ada"
    assert vault.keyring().current_version == 1  # the uncommitted version is not adopted
    assert crypto.parse_keyring(key_file.read_text(), "test").keys == old.keys
    assert set(MasterKeyVersion.objects.values_list("version", flat=True)) == {1}
    assert vault.rotate_key_file().version == 2  # the next rotation replaces the side file
    assert not pending.exists()
    assert reload(ada).name == "Ada"


def test_a_rotation_whose_side_file_another_process_adopted_still_succeeds(key_file, monkeypatch):
    old = write_ring(key_file, {1: crypto.new_key()})
    ada = make_contact(name="Ada", email="ada@example.com")
    rotate = vault.rotate_master_key

    def rotate_then_another_process_starts(*args, **kwargs):
        count = rotate(*args, **kwargs)  # committed
        vault._finish_interrupted_rotation(key_file)  # another process adopts the side file
        return count

    monkeypatch.setattr(vault, "rotate_master_key", rotate_then_another_process_starts)
    assert vault.rotate_key_file().version == 2
    assert not vault.pending_keyring_path(key_file).exists()
    ring = crypto.parse_keyring(key_file.read_text(), "test")
    assert set(ring.keys) == {1, 2}
    assert ring.keys[1] == old.keys[1]
    assert reload(ada).name == "Ada"


def test_a_side_file_that_does_not_extend_the_key_file_is_refused(key_file):
    write_ring(key_file, {1: crypto.new_key()})
    side = write_ring(
        vault.pending_keyring_path(key_file), {1: crypto.new_key(), 2: crypto.new_key()}
    )
    MasterKeyVersion.objects.create(version=2, fingerprint=crypto.fingerprint(side.current))
    with pytest.raises(MasterKeyError, match="does not extend"):
        vault.keyring()


def test_it_refuses_a_newer_master_key_version_the_key_store_does_not_know(key_text):
    right = crypto.format_entry(1, crypto.new_key())
    key_text(right)
    make_contact(name="Ada", email="ada@example.com")  # the store records version 1
    key_text(crypto.format_entry(3, crypto.new_key()))
    with pytest.raises(MasterKeyError) as caught:
        vault.keyring()
    assert str(caught.value).startswith(
        "CLIENTVAULT_MASTER_KEY: master key version 3 is not known to the key store (its "
        "newest is version 1); to move to a new master key run `clientvault keys rotate`"
    )
    assert set(MasterKeyVersion.objects.values_list("version", flat=True)) == {1}
    key_text(right)  # the right key still opens everything
    assert vault.keyring().current_version == 1
    assert Contact.objects.get().name == "Ada"


def test_it_refuses_a_newer_version_added_to_the_key_file_by_hand(key_file):
    ring = write_ring(key_file, {1: crypto.new_key()})
    ada = make_contact(name="Ada", email="ada@example.com")
    write_ring(key_file, {**ring.keys, 2: crypto.new_key()})
    vault.reset_caches()
    with pytest.raises(MasterKeyError, match="master key version 2 is not known"):
        _ = Contact.objects.get(pk=ada.pk).name
    assert set(MasterKeyVersion.objects.values_list("version", flat=True)) == {1}


def test_the_first_ring_given_to_an_empty_key_store_is_recorded(key_text):
    key = crypto.new_key()
    key_text(crypto.format_entry(4, key))
    assert vault.keyring().current_version == 4
    assert MasterKeyVersion.objects.get().fingerprint == crypto.fingerprint(key)


def test_rotation_refuses_a_ring_that_is_not_newer(key_file):
    ring = write_ring(key_file, {1: crypto.new_key()})
    make_contact(name="Ada", email="ada@example.com")
    with pytest.raises(MasterKeyError, match="must be newer than version 1"):
        vault.rotate_master_key(crypto.Keyring({1: crypto.new_key()}))
    with pytest.raises(MasterKeyError, match="version 1 holds different keys"):
        vault.rotate_master_key(crypto.Keyring({1: crypto.new_key(), 2: crypto.new_key()}))
    assert vault.rotate_master_key(crypto.Keyring({1: ring.keys[1], 2: crypto.new_key()})) == 2


def test_a_subject_key_that_does_not_open_names_the_key(key_file):
    write_ring(key_file, {1: crypto.new_key()})
    ada = make_contact(name="Ada", email="")
    SubjectKey.objects.filter(subject_id=ada.subject_id).update(wrapped=b"x" * 60)
    with pytest.raises(MasterKeyError, match=f"subject-key:{ada.subject_id}"):
        _ = reload(ada).name


def test_an_unknown_subject_reads_as_erased():
    assert vault.subject_key(uuid.uuid4()) is None
