"""Uploaded builds on disk: copied into the build store while their checksum is computed."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


class NotABuildError(ValueError):
    """The upload is not an .apk/.aab/.ipa archive."""


def store_upload(src: BinaryIO, folder: Path, filename: str) -> StoredFile:
    """Copy ``src`` to ``folder/<sha256>/<filename>``; blocking (run it in a thread)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    tmp = Path(tmp_name)
    sha, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            head = src.read(CHUNK)
            if not head.startswith(ZIP_MAGIC):
                raise NotABuildError("the file is not an .apk, .aab or .ipa archive")
            chunk = head
            while chunk:
                sha.update(chunk)
                size += len(chunk)
                out.write(chunk)
                chunk = src.read(CHUNK)
        dest = folder / sha.hexdigest() / filename
        dest.parent.mkdir(exist_ok=True)
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    return StoredFile(dest, sha.hexdigest(), size)


def discard(stored: StoredFile) -> None:
    """Remove a stored upload that was not registered."""
    shutil.rmtree(stored.path.parent, ignore_errors=True)
