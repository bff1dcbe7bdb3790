"""Backups of the data database, without the key store (RET-3).

A backup is a gzip file of JSON lines. The first line is the header::

    {"format": "clientvault-backup", "version": 1, "created_at": "2026-...+00:00",
     "payload_sha256": "...", "rows": 1234, "counts": {"privacy.Subject": 2, ...},
     "migrations": ["accounts.0001_initial", ...]}

Every further line is one row as Django's ``jsonl`` serialiser writes it, for every model of the
data database (alias ``default``) but those whose inventory declaration says ``not_in_backups``
(signed-in sessions: a backup holds nothing that signs anyone in, and a restore signs everyone
out); the checksum covers those lines exactly as stored. Vault fields are written as
ciphertext, and the key store, another database, is never in a backup: once a subject's key is
destroyed, their values in every backup read as erased.

A restore checks the whole file (header, checksum, row count, schema) before it writes anything,
goes only into a freshly migrated data database, loads everything in one transaction, checks the
restored audit log with the key store's audit key, and then shreds again every subject whose key
the key store has destroyed since the backup was made. The audit log's checkpoint in the key
store then moves to the restored head (the restore event records where it stood before).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from clientvault.privacy import fields
from clientvault.privacy.actors import Actor
from clientvault.privacy.inventory import registry
from clientvault.privacy.models import Subject, SubjectKey
from clientvault.privacy.services.audit import (
    anchored_seq,
    check_chain,
    rebase_anchor,
    record_event,
)
from clientvault.privacy.services.erasure import reapply_shredding
from clientvault.privacy.vault import CorruptValue

FORMAT = "clientvault-backup"
VERSION = 1
DATA_ALIAS = DEFAULT_DB_ALIAS
MIGRATE_MADE = ("auth.Permission", "contenttypes.ContentType")  # rows `migrate` itself creates
_HEADER_LIMIT = 1 << 20
_CHUNK = 1 << 16


class BackupError(Exception):
    """A backup cannot be written or restored; the message names the file and the problem."""


@dataclass(frozen=True)
class Header:
    created_at: str
    payload_sha256: str
    rows: int
    counts: dict[str, int]
    migrations: list[str]

    def line(self) -> bytes:
        body = {"format": FORMAT, "version": VERSION, **asdict(self)}
        return json.dumps(body, sort_keys=True).encode() + b"\n"


@dataclass(frozen=True)
class Restored:
    header: Header
    erasures_reapplied: int
    subjects_without_key: int


def data_models(*, include_auto_created: bool = False) -> list[type[models.Model]]:
    """The models a backup holds: the data database's (never the key store's), except those
    declared ``not_in_backups``."""
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if router.allow_migrate_model(DATA_ALIAS, model) and not _left_out(model)
    ]


def _left_out(model: type[models.Model]) -> bool:
    declaration = registry.for_model(model)
    return declaration is not None and bool(declaration.not_in_backups)


def _applied_migrations() -> list[str]:
    applied = MigrationRecorder(connections[DATA_ALIAS]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


# --- writing ---------------------------------------------------------------------------------


def write_backup(*, path: Path, actor: Actor | None, replace: bool = False) -> Header:
    """Write the data database to ``path`` (atomically, owner-readable only); audited."""
    if path.exists() and not replace:
        raise BackupError(f"{path} already exists; choose another name or pass --replace")
    if not path.parent.is_dir():
        raise BackupError(f"{path}: directory {path.parent} does not exist")
    rows = path.with_name(f".{path.name}.rows")
    try:
        header = _write_rows(rows)
        _assemble(path, header, rows)
    except OSError as error:
        raise BackupError(f"{path} cannot be written: {error.strerror or error}") from None
    finally:
        rows.unlink(missing_ok=True)
    details = {"rows": header.rows, "sha256": header.payload_sha256}
    record_event(action="backup.written", actor=actor, details=details)
    return header


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (the audit chain hashes them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _HashingWriter:
    """A text stream for the serialiser: hashes the bytes and writes them in chunks."""

    def __init__(self, out: gzip.GzipFile) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.digest.update(data)
        self.parts.append(data)
        self.size += len(data)
        if self.size >= _CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        self.out.write(b"".join(self.parts))
        self.parts, self.size = [], 0


def _write_rows(target: Path) -> Header:
    counts: Counter[str] = Counter()
    with gzip.open(target, "wb") as out, _snapshot(), fields.sealed_values():
        writer = _HashingWriter(out)
        migrations = _applied_migrations()
        for model in data_models():
            counts[model._meta.label] = 0
            rows = model._base_manager.using(DATA_ALIAS).order_by("pk").iterator(2000)
            serializers.serialize("jsonl", _counted(rows, counts), stream=writer, cls=_ExactEncoder)
        writer.flush()
    return Header(
        created_at=timezone.now().isoformat(),
        payload_sha256=writer.digest.hexdigest(),
        rows=counts.total(),
        counts=dict(counts),
        migrations=migrations,
    )


def _counted(rows: Iterable[models.Model], counts: Counter[str]) -> Iterator[models.Model]:
    for row in rows:
        counts[row._meta.label] += 1
        yield row


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of every table (on PostgreSQL, a repeatable-read transaction)."""
    connection = connections[DATA_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=DATA_ALIAS):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _assemble(path: Path, header: Header, rows: Path) -> None:
    """The header (its own gzip member), then the rows, replacing ``path`` in one step."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, rows.open("rb") as payload:
            out.write(gzip.compress(header.line(), mtime=0))
            shutil.copyfileobj(payload, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- reading and checking --------------------------------------------------------------------


@contextmanager
def _reading(path: Path) -> Iterator[gzip.GzipFile]:
    """The decompressed file; every way it can be unreadable becomes one BackupError."""
    try:
        with gzip.open(path, "rb") as stream:
            yield stream
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except gzip.BadGzipFile as error:
        raise BackupError(f"{path} is not a clientvault backup or is damaged ({error})") from None
    except EOFError:
        raise BackupError(f"{path} is truncated: its compressed data ends early") from None
    except zlib.error as error:
        raise BackupError(f"{path} is damaged: {error}") from None
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror or error}") from None


def _read_header(path: Path, stream: gzip.GzipFile) -> Header:
    try:
        data = json.loads(stream.readline(_HEADER_LIMIT))
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a clientvault backup (it has no {FORMAT} header)")
    if data.get("version") != VERSION:
        raise BackupError(
            f"{path} is in backup format version {data.get('version')!r}; "
            f"this clientvault reads version {VERSION}"
        )
    try:
        return _header(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path}: its header is incomplete or malformed ({error!r})") from None


def _header(data: dict[str, Any]) -> Header:
    return Header(
        created_at=str(data["created_at"]),
        payload_sha256=str(data["payload_sha256"]),
        rows=int(data["rows"]),
        counts={str(label): int(n) for label, n in data["counts"].items()},
        migrations=[str(name) for name in data["migrations"]],
    )


def verify_backup(*, path: Path) -> Header:
    """The header of a backup whose rows match its checksum and row count; else BackupError."""
    with _reading(path) as stream:
        header = _read_header(path, stream)
        digest, lines = hashlib.sha256(), 0
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    if digest.hexdigest() != header.payload_sha256:
        raise BackupError(f"{path} is damaged: its rows do not match the checksum in its header")
    if lines != header.rows:
        raise BackupError(
            f"{path} is damaged: it holds {lines} rows, its header says {header.rows}"
        )
    return header


def _check_schema(path: Path, header: Header) -> None:
    here, there = set(_applied_migrations()), set(header.migrations)
    if here == there:
        return
    problems = []
    if missing := sorted(there - here):
        problems.append(f"{len(missing)} of its migrations are not applied here ({missing[0]}, …)")
    if extra := sorted(here - there):
        problems.append(f"this database has {len(extra)} migrations it lacks ({extra[0]}, …)")
    raise BackupError(
        f"{path} was made at another database schema: {'; '.join(problems)}. Migrate this "
        "database to the backup's migrations, restore, then migrate forward"
    )


# --- restoring -------------------------------------------------------------------------------


def restore_backup(*, path: Path, actor: Actor | None) -> Restored:
    """Load a backup into an empty data database, all or nothing; audited."""
    header = verify_backup(path=path)
    _check_schema(path, header)
    connection = connections[DATA_ALIAS]
    tables = data_models(include_auto_created=True)
    try:
        with transaction.atomic(using=DATA_ALIAS):
            _check_empty(path, tables)
            _clear_migrate_made()
            _check_counts(path, header, _load(path))
            connection.check_constraints(table_names=[m._meta.db_table for m in tables])
            _reset_sequences(tables)
            restored = _finish(path, header, actor)
    except DatabaseError as error:
        raise BackupError(
            f"{path}: its rows do not fit together ({error}); nothing was restored"
        ) from None
    finally:
        ContentType.objects.clear_cache()
    return restored


def _check_empty(path: Path, tables: list[type[models.Model]]) -> None:
    occupied = [
        m._meta.label
        for m in tables
        if m._meta.label not in MIGRATE_MADE and m._base_manager.using(DATA_ALIAS).exists()
    ]
    if occupied:
        shown = ", ".join(occupied[:4]) + (", …" if len(occupied) > 4 else "")
        raise BackupError(
            f"the data database is not empty (it has rows in {shown}); restore {path} only "
            "into a freshly migrated database"
        )


def _clear_migrate_made() -> None:
    """Drop the content types and permissions `migrate` made: the backup brings its own."""
    for label in MIGRATE_MADE:
        apps.get_model(label)._base_manager.using(DATA_ALIAS).all().delete()
    ContentType.objects.clear_cache()


def _load(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    connection = connections[DATA_ALIAS]
    with _reading(path) as stream, fields.sealed_values(), connection.constraint_checks_disabled():
        stream.readline(_HEADER_LIMIT)
        try:
            for obj in serializers.deserialize("jsonl", stream, using=DATA_ALIAS):
                obj.save(using=DATA_ALIAS, force_insert=True)
                counts[obj.object._meta.label] += 1
        except (DeserializationError, DatabaseError, ValidationError, CorruptValue) as error:
            # CorruptValue: a vault field holding something other than a ciphertext.
            raise BackupError(
                f"{path}: row {counts.total() + 1} cannot be loaded ({error}); nothing was restored"
            ) from None
    return counts


def _check_counts(path: Path, header: Header, counts: Counter[str]) -> None:
    expected = {label: n for label, n in header.counts.items() if n}
    if dict(counts) != expected:
        raise BackupError(f"{path} is damaged: its rows per model differ from its header")


def _reset_sequences(tables: list[type[models.Model]]) -> None:
    """Let new rows follow the restored ids (PostgreSQL sequences), as loaddata does."""
    connection = connections[DATA_ALIAS]
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _finish(path: Path, header: Header, actor: Actor | None) -> Restored:
    """Re-shred, record the restore, and move the audit log's checkpoint to the restored head."""
    _check_audit_log(path)
    reapplied = reapply_shredding(actor=actor)
    without_key = _subjects_without_key()
    record_event(
        action="backup.restored",
        actor=actor,
        details={
            "rows": header.rows,
            "sha256": header.payload_sha256,
            "backup_created_at": header.created_at,
            "erasures_reapplied": reapplied,
            "subjects_without_key": without_key,
            "anchor_before": anchored_seq(),
        },
    )
    # The restored log may end before the checkpoint of the log it replaces. Moved before the
    # commit, so that a key store that cannot be written undoes the restore; should the commit
    # itself then fail, the database is empty again and the restore is simply run again.
    rebase_anchor()
    return Restored(header, reapplied, without_key)


def _check_audit_log(path: Path) -> None:
    problem = check_chain()
    if problem is not None:
        raise BackupError(
            f"{path}: its audit log does not verify with this key store's audit key ({problem}); "
            "nothing was restored"
        )


def _subjects_without_key() -> int:
    """Restored subjects this key store has no key for (their values read as erased)."""
    ids = list(Subject.objects.values_list("pk", flat=True))
    found = 0
    for start in range(0, len(ids), 500):
        found += SubjectKey.objects.filter(subject_id__in=ids[start : start + 500]).count()
    return len(ids) - found
