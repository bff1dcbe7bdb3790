import base64
import gzip
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clientvault.privacy import vault
from clientvault.privacy.models import AuditEvent, Subject, SubjectKey, SystemKey
from clientvault.privacy.services.audit import verify_chain
from tests.kernelapp.helpers import make_contact, raw_column, wipe_data_database
from tests.kernelapp.models import Contact

pytestmark = pytest.mark.django_db(databases=["default", "keys"])

NAME, EMAIL, CARD = "Augusta Ada King", "countess@lovelace.example", "4111111111111111"


@pytest.fixture
def ada():
    return make_contact(name=NAME, email=EMAIL, card=CARD)


@pytest.fixture
def backup(tmp_path, ada):
    path = tmp_path / "data.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    return path


def _read(path):
    header, _, rows = gzip.decompress(path.read_bytes()).partition(b"\n")
    return json.loads(header), rows


def _write(path, header, rows, *, checksum=True):
    if checksum:
        header = {**header, "payload_sha256": hashlib.sha256(rows).hexdigest()}
    path.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n" + rows))


def _name_token(rows):
    """The stored ciphertext of the contact's name, as it stands in the backup's rows."""
    contact = next(json.loads(line) for line in rows.splitlines() if b"kernelapp.contact" in line)
    return contact["fields"]["name"].encode()


def _restore(path):
    call_command("restore", str(path), stdout=StringIO(), stderr=StringIO())


def test_a_backup_has_a_header_with_checksum_counts_and_schema(backup):
    header, rows = _read(backup)
    assert (header["format"], header["version"]) == ("clientvault-backup", 1)
    assert header["created_at"].endswith("+00:00")
    assert header["payload_sha256"] == hashlib.sha256(rows).hexdigest()
    assert header["counts"]["kernelapp.Contact"] == 1
    assert header["counts"]["privacy.Subject"] == 1
    assert header["rows"] == sum(header["counts"].values()) == rows.count(b"\n")
    assert "privacy.0001_initial" in header["migrations"]
    assert backup.stat().st_mode & 0o777 == 0o600


def test_a_backup_holds_vault_fields_as_ciphertext_only(backup, ada):
    text = gzip.decompress(backup.read_bytes()).decode()
    for plain in (NAME, "Ada", EMAIL, "lovelace", CARD, "4111"):
        assert plain not in text
    for column in ("name", "email", "card_number"):
        assert raw_column(ada, column) in text


def test_a_backup_holds_nothing_of_the_key_store(backup, ada):
    header, rows = _read(backup)
    labels = {json.loads(line)["model"] for line in rows.splitlines()}
    assert not {"privacy.subjectkey", "privacy.systemkey", "privacy.masterkeyversion"} & labels
    assert not any(label.startswith("privacy.") and "key" in label for label in header["counts"])
    for wrapped in [
        *SubjectKey.objects.values_list("wrapped", flat=True),
        *SystemKey.objects.values_list("wrapped", flat=True),
    ]:
        assert base64.b64encode(bytes(wrapped)) not in rows
        assert bytes(wrapped).hex().encode() not in rows


def test_writing_a_backup_is_audited(backup):
    event = AuditEvent.objects.get(action="backup.written")
    assert event.actor_id == "system:backup"
    assert event.details["rows"] == _read(backup)[0]["rows"]


def test_it_refuses_to_overwrite_a_backup_unless_asked(backup):
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup), stdout=StringIO())
    call_command("backup", str(backup), "--replace", stdout=StringIO())
    assert _read(backup)[0]["format"] == "clientvault-backup"


def test_it_refuses_a_directory_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "b.cvbackup"), stdout=StringIO())


def test_restore_refuses_a_database_that_is_not_empty(backup):
    with pytest.raises(CommandError, match=r"not empty \(it has rows in .*privacy\.Subject"):
        _restore(backup)
    assert Subject.objects.count() == 1


def _damaged(path, how):
    data = path.read_bytes()
    header, rows = _read(path)
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif how == "not gzip":
        path.write_bytes(b"just some text\n")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "other gzip":
        path.write_bytes(gzip.compress(b'[{"model": "privacy.subject"}]\n'))
    elif how == "altered row":
        _write(path, header, rows.replace(b"privacy.subject", b"privacy.subjecx"), checksum=False)
    elif how == "row removed":
        _write(path, {**header, "rows": header["rows"]}, b"\n".join(rows.split(b"\n")[1:]))
    elif how == "plaintext in a vault field":
        plain = rows.replace(_name_token(rows), b"Augusta in plain text")
        _write(path, header, plain)
    elif how == "future version":
        _write(path, {**header, "version": 2}, rows)
    elif how == "header incomplete":
        _write(path, {"format": "clientvault-backup", "version": 1}, rows)
    elif how == "missing":
        path.unlink()


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("truncated", "is truncated"),
        ("flipped", "damaged"),
        ("not gzip", "not a clientvault backup"),
        ("empty", "not a clientvault backup"),
        ("other gzip", "not a clientvault backup"),
        ("altered row", "do not match the checksum"),
        ("row removed", "header says"),
        ("plaintext in a vault field", "kernelapp.Contact.name: plaintext must not reach"),
        ("future version", "format version 2"),
        ("header incomplete", "header is incomplete"),
        ("missing", "does not exist"),
    ],
)
def test_restore_refuses_a_bad_file_naming_it_and_writes_nothing(backup, how, problem):
    _damaged(backup, how)
    wipe_data_database()
    with pytest.raises(CommandError, match=problem) as caught:
        _restore(backup)
    assert str(backup) in str(caught.value)
    assert not Subject.objects.exists()
    assert not AuditEvent.objects.exists()


def test_restore_refuses_a_backup_of_another_schema(backup):
    header, rows = _read(backup)
    _write(backup, {**header, "migrations": [*header["migrations"], "privacy.9999_future"]}, rows)
    wipe_data_database()
    with pytest.raises(CommandError, match=r"another database schema: 1 of its migrations"):
        _restore(backup)
    assert not Subject.objects.exists()


def test_a_row_that_does_not_fit_rolls_the_whole_restore_back(backup):
    header, rows = _read(backup)
    lines = rows.splitlines(keepends=True)
    contact = next(json.loads(line) for line in lines if b'"kernelapp.contact"' in line)
    contact["pk"] = "00000000-0000-0000-0000-000000000001"
    contact["fields"]["subject"] = "00000000-0000-0000-0000-000000000002"  # nobody
    extra = json.dumps(contact).encode() + b"\n"
    header = {**header, "rows": header["rows"] + 1}
    header["counts"] = {**header["counts"], "kernelapp.Contact": 2}
    _write(backup, header, rows + extra)
    wipe_data_database()
    with pytest.raises(CommandError, match="nothing was restored") as caught:
        _restore(backup)
    assert str(backup) in str(caught.value)
    assert not Subject.objects.exists()
    assert not Contact.objects.exists()


def test_restore_warns_about_subjects_this_key_store_has_no_key_for(backup, ada):
    SubjectKey.objects.filter(subject_id=ada.subject_id).delete()
    vault.reset_caches()
    wipe_data_database()
    err = StringIO()
    call_command("restore", str(backup), stdout=StringIO(), stderr=err)
    assert "1 subjects have no key in this key store" in err.getvalue()
    assert Contact.objects.get().name is vault.ERASED


@pytest.mark.django_db(databases=["default", "keys"], transaction=True)
def test_backup_and_restore_outside_any_transaction(tmp_path):
    ada = make_contact(name=NAME, email=EMAIL, card=CARD)
    path = tmp_path / "committed.cvbackup"
    call_command("backup", str(path), stdout=StringIO())
    wipe_data_database()
    _restore(path)
    vault.reset_caches()
    assert Contact.objects.get(pk=ada.pk).name == NAME
    result = verify_chain()  # committed for real: anchored at each commit, rebased by the restore
    assert (result.first_break, result.anchored) == (None, result.checked)
