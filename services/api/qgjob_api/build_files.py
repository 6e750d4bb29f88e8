"""Uploaded builds on disk, in the build store.

Each upload is written to a temporary file of its own (in ``<store>/.incoming``, on the same
file system) while its checksum is computed; only once it proved to be the build it is
renamed into ``<store>/<org>/<app version>/<sha256>/<file name>`` (atomically: a reader sees
the old file or the new one, never part of one). A request only ever removes what it wrote
itself. A file system error is never taken for a store outage: a full disk is 507
``build_store_full``, anything else 500 ``build_store_error``, both logged as errors.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import structlog

from qgjob_api.errors import ApiError, invalid

log = structlog.get_logger("qgjob.api")
ZIP_MAGIC = b"PK\x03\x04"
INCOMING = ".incoming"
INCOMING_IDLE_S = 3600.0
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NAME = {errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL}


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


@dataclass
class Incoming:
    """An upload being written to its own temporary file."""

    path: Path
    out: IO[bytes]
    sha: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0
    head: bytes = b""

    def write(self, data: bytes) -> None:
        """Blocking (run it in a thread)."""
        if len(self.head) < len(ZIP_MAGIC):
            self.head += data[: len(ZIP_MAGIC) - len(self.head)]
            if not ZIP_MAGIC.startswith(self.head[: len(ZIP_MAGIC)]):
                raise invalid("file", "the file is not an .apk, .aab or .ipa archive")
        self.sha.update(data)
        self.size += len(data)
        self.out.write(data)

    def finish(self) -> None:
        """Flush to disk; blocking."""
        if self.head != ZIP_MAGIC:
            raise invalid("file", "the file is not an .apk, .aab or .ipa archive")
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()

    def discard(self) -> None:
        """Remove the temporary file (only ever this request's own); blocking."""
        self.out.close()
        self.path.unlink(missing_ok=True)


def store_error(exc: OSError, store: Path) -> ApiError:
    """The answer to a file system error on the build store, logged loudly."""
    if exc.errno in _NAME:
        return invalid("file", f"the file name cannot be stored ({os.strerror(exc.errno or 0)})")
    full = exc.errno in _FULL
    log.error(
        "build store full" if full else "build store error",
        store=str(store),
        errno=errno.errorcode.get(exc.errno or 0, str(exc.errno)),
        error=str(exc),
    )
    if full:
        return ApiError(507, "build_store_full", "the build store is full; tell the operator")
    return ApiError(
        500, "build_store_error", "the build store cannot be written; tell the operator"
    )


def begin(store: Path) -> Incoming:
    """A new temporary file for one upload; blocking."""
    folder = store / INCOMING
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
    return Incoming(Path(name), os.fdopen(fd, "wb"))


def place(incoming: Incoming, folder: Path, filename: str) -> StoredFile:
    """Rename the finished upload to ``folder/<sha256>/<filename>``; blocking."""
    digest = incoming.sha.hexdigest()
    dest = folder / digest / filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(incoming.path, dest)
    return StoredFile(dest, digest, incoming.size)


def sweep_incoming(store: Path, idle_s: float = INCOMING_IDLE_S) -> int:
    """Remove temporary uploads nothing wrote to for ``idle_s`` (left by a process that was
    killed mid-upload; one in progress is written to all along). Returns how many."""
    folder, removed = store / INCOMING, 0
    cutoff = time.time() - idle_s
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
    return removed


def discard(stored: StoredFile) -> None:
    """Remove a placed upload that was not registered (and its folder, once empty)."""
    stored.path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        stored.path.parent.rmdir()
