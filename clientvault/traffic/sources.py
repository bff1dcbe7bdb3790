"""Where log lines come from: a plain, gzip or bzip2 file, or standard input.

A plain or gzip file is read by DuckDB where it lies. bzip2 and standard input are unpacked
into an anonymous in-memory file (``memfd_create``): it has no name in any file system and
vanishes with the process, so no copy of the addresses is ever left on disk. The digest is the
SHA-256 of the bytes as given (compressed or not), which is how a log ingested before is known.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import os
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
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
    memfd: int | None = None

    def close(self) -> None:
        if self.memfd is not None:
            os.close(self.memfd)
            self.memfd = None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


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


def from_path(argument: str) -> Source:
    path = Path(argument)
    if not path.is_file():
        raise SourceError(f"{argument}: no such file")
    try:
        with path.open("rb") as raw:
            head = raw.read(SAMPLE_BYTES)
        digest = _digest(path)
    except OSError as error:
        raise SourceError(f"{argument}: cannot be read ({error.strerror})") from None
    if head.startswith(BZIP2_MAGIC):
        with bz2.open(path, "rb") as unpacked:
            return _memory_source(path.name, _unpack_to_memory(path.name, unpacked, None), digest)
    if head.startswith(GZIP_MAGIC):
        return Source(path.name, str(path), "gzip", digest, _sample(path.name, _gzip_head(path)))
    return Source(path.name, str(path), "none", digest, _sample(path.name, head))
