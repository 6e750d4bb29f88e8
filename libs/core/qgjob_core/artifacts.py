"""Where a job's files live: its full log and what the test command wrote, per run.

Layout under the artifact folder (``QGJOB_ARTIFACT_DIR``), one folder per job::

    <job_id>/attempt-<n>/run-<k>/log.txt       everything the test command printed
    <job_id>/attempt-<n>/run-<k>/output/...    its output folder: videos, screenshots, reports

A retry is a new attempt (maybe on another worker); a flaky rerun a new run. Workers write,
the API lists and serves; on several hosts the folder is a shared volume.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

LOG_NAME = "log.txt"
OUTPUT_NAME = "output"
NO_SUCH_NAME = {errno.ENAMETOOLONG, errno.EINVAL, errno.EILSEQ}
"""Errors that say a name cannot exist here, so no file has it."""


@dataclass(frozen=True)
class ArtifactFile:
    path: str
    """Relative to the job's folder, with ``/`` separators."""
    size: int
    modified: float


@dataclass(frozen=True)
class RunDir:
    """The folder of one run of a job."""

    root: Path

    @property
    def log(self) -> Path:
        return self.root / LOG_NAME

    @property
    def output(self) -> Path:
        return self.root / OUTPUT_NAME


class ArtifactStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()

    def job_dir(self, job_id: str) -> Path:
        if not job_id or job_id in (".", "..") or "/" in job_id or "\\" in job_id:
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def new_run(self, job_id: str, attempt: int) -> RunDir:
        """A fresh folder for a run of ``attempt`` (``run-1``, then ``run-2`` for a rerun)."""
        base = self.job_dir(job_id) / f"attempt-{attempt}"
        base.mkdir(parents=True, exist_ok=True)
        run = 1
        while True:
            path = base / f"run-{run}"
            try:
                path.mkdir()
            except FileExistsError:
                run += 1
                continue
            (path / OUTPUT_NAME).mkdir()
            return RunDir(path)

    def list(self, job_id: str) -> list[ArtifactFile]:
        """Every file of the job, sorted by path."""
        base = self.job_dir(job_id)
        out: list[ArtifactFile] = []
        for dirpath, _, names in os.walk(base):
            for name in names:
                path = Path(dirpath) / name
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                rel = path.relative_to(base).as_posix()
                out.append(ArtifactFile(rel, st.st_size, st.st_mtime))
        return sorted(out, key=lambda f: f.path)

    def find(self, job_id: str, rel: str) -> Path | None:
        """The file ``rel`` of the job, or ``None`` when there is none or ``rel`` leaves the
        job's folder (``..``, absolute paths, symlinks out)."""
        try:
            base = self.job_dir(job_id).resolve()
            path = (base / rel).resolve()
            if not path.is_relative_to(base) or not path.is_file():
                return None
        except ValueError:  # a NUL: no file has such a name
            return None
        except OSError as exc:
            if exc.errno in NO_SUCH_NAME:
                return None
            raise
        return path

    def prune(self, older_than_s: float) -> int:
        """Delete job folders untouched for ``older_than_s``; returns how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for entry in self.root.iterdir():
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed
