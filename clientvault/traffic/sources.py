"""Where log lines come from: a plain, gzip or bzip2 file, or standard input.

A plain or gzip file is read by DuckDB where it lies. bzip2 and standard input are unpacked
into an anonymous in-memory file (``memfd_create``): it has no name in any file system and
vanishes with the process, so no copy of the addresses is ever left on disk. The digest is the
SHA-256 of the log's lines as unpacked, which is how a log ingested before is known, also
after logrotate compressed it.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import os
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def _plain(path: Path) -> BinaryIO:
    return path.open("rb")


def _gunzip(path: Path) -> BinaryIO:
    return gzip.open(path, "rb")  # type: ignore[return-value]


SAMPLE_BYTES = 64 * 1024
GZIP_MAGIC, BZIP2_MAGIC = b"\x1f\x8b", b"BZh"


class SourceError(Exception):
    """A source that cannot be read as a log at all; the message names it and says why."""


@dataclass
class Source:
    name: str  # what reports and the batch show: the file's name, or "stdin"
    location: str  # what DuckDB reads
    compression: str  # "none" or "gzip"
    digest: str
    sample: list[str]  # the first lines, to recognise the format
    fd: int | None = None  # the descriptor DuckDB reads: the log itself, or a memory file

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _digest(path: Path, opener: Callable[[Path], BinaryIO] = _plain) -> str:
    sha = hashlib.sha256()
    with opener(path) as raw:
        while chunk := raw.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _gzip_digest(path: Path) -> str:
    """The digest of the unpacked lines; a gzip stream that ends early is refused here."""
    try:
        return _digest(path, _gunzip)
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        if isinstance(error, EOFError):
            raise SourceError(
                f"{path.name}: the gzip data ends early (a copy still being written?); nothing "
                "of it was kept: ingest it again once it is complete"
            ) from None
        raise SourceError(f"{path.name}: not readable as gzip ({error})") from None


def _sample(name: str, head: bytes) -> list[str]:
    if b"\x00" in head:
        raise SourceError(f"{name}: binary data, not a text log")
    text = head.decode("utf-8", errors="replace")
    lines = text.splitlines()
    return lines[:-1] if len(lines) > 1 and not text.endswith("\n") else lines


def _gzip_head(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as unpacked:
            return unpacked.read(SAMPLE_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        raise SourceError(f"{path.name}: not readable as gzip ({error})") from None


def _unpack_to_memory(name: str, stream: BinaryIO | bz2.BZ2File, sha: hashlib._Hash | None) -> int:
    fd = os.memfd_create("clientvault-log")
    with os.fdopen(os.dup(fd), "wb") as out:
        reader = _Hashing(stream, sha) if sha is not None else stream
        try:
            shutil.copyfileobj(reader, out, CHUNK)
        except (OSError, EOFError, ValueError) as error:
            os.close(fd)
            raise SourceError(f"{name}: not readable ({error})") from None
    return fd


class _Hashing:
    def __init__(self, stream: BinaryIO | bz2.BZ2File, sha: hashlib._Hash) -> None:
        self.stream, self.sha = stream, sha

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.sha.update(chunk)
        return chunk


def _memory_source(name: str, fd: int, digest: str) -> Source:
    with open(f"/proc/self/fd/{fd}", "rb") as unpacked:
        head = unpacked.read(SAMPLE_BYTES)
    try:
        sample = _sample(name, head)
    except SourceError:
        os.close(fd)
        raise
    return Source(name, f"/proc/self/fd/{fd}", "none", digest, sample, fd)


def from_stdin(stream: BinaryIO) -> Source:
    sha = hashlib.sha256()
    fd = _unpack_to_memory("stdin", stream, sha)
    return _memory_source("stdin", fd, sha.hexdigest())


def _opened(path: Path, compression: str, digest: str, sample: list[str]) -> Source:
    """The file, read by DuckDB through an open descriptor: a name with ``*``, ``?`` or ``[``
    would be a glob pattern to DuckDB, and the file read is the one just hashed."""
    fd = os.open(path, os.O_RDONLY)
    return Source(path.name, f"/proc/self/fd/{fd}", compression, digest, sample, fd)


def from_path(argument: str) -> Source:
    path = Path(argument)
    if not path.is_file():
        raise SourceError(f"{argument}: no such file")
    try:
        with path.open("rb") as raw:
            head = raw.read(SAMPLE_BYTES)
        if head.startswith(BZIP2_MAGIC):
            with bz2.open(path, "rb") as unpacked:
                sha = hashlib.sha256()
                fd = _unpack_to_memory(path.name, unpacked, sha)
                return _memory_source(path.name, fd, sha.hexdigest())
        if head.startswith(GZIP_MAGIC):
            sample = _sample(path.name, _gzip_head(path))
            return _opened(path, "gzip", _gzip_digest(path), sample)
        return _opened(path, "none", _digest(path), _sample(path.name, head))
    except OSError as error:
        raise SourceError(f"{argument}: cannot be read ({error.strerror})") from None
