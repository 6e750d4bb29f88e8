"""Where a job's files live: its full log and what the test command wrote, per run.

Layout under the artifact folder (``QGJOB_ARTIFACT_DIR``), one folder per job::

    <job_id>/attempt-<n>/run-<k>/log.txt       everything the test command printed
    <job_id>/attempt-<n>/run-<k>/output/...    its output folder: videos, screenshots, reports

A retry is a new attempt (maybe on another worker); a flaky rerun a new run. Workers write,
the API lists and serves; on several hosts the folder is a shared volume.

A run is written under ``.staging/<job_id>/attempt-<n>/`` and published into the job's
folder only once the worker's result was taken (its lease still held): the files of a
worker fenced by a takeover are discarded, never shown beside the new attempt's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

LOG_NAME = "log.txt"
OUTPUT_NAME = "output"
STAGING_NAME = ".staging"
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
        if not job_id or job_id.startswith(".") or "/" in job_id or "\\" in job_id:
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def _staged(self, job_id: str, attempt: int) -> Path:
        return self.root / STAGING_NAME / self.job_dir(job_id).name / f"attempt-{attempt}"

    def new_run(self, job_id: str, attempt: int) -> RunDir:
        """A fresh staged folder for a run of ``attempt`` (``run-1``, then ``run-2`` for a
        rerun); it shows in the job's folder once :meth:`publish` is called."""
        base = self._staged(job_id, attempt)
        base.mkdir(parents=True, exist_ok=True)
        path = _fresh_run(base)
        (path / OUTPUT_NAME).mkdir()
        return RunDir(path)

    def publish(self, job_id: str, attempt: int) -> int:
        """Move the staged runs of ``attempt`` into the job's folder (after the ones there);
        returns how many. Safe to repeat."""
        staged = self._staged(job_id, attempt)
        if not staged.is_dir():
            return 0
        target = self.job_dir(job_id) / f"attempt-{attempt}"
        target.mkdir(parents=True, exist_ok=True)
        runs = sorted(
            (p for p in staged.iterdir() if p.name.startswith("run-")),
            key=lambda p: int(p.name[4:]) if p.name[4:].isdigit() else 0,
        )
        for run in runs:
            os.replace(run, _fresh_run(target, create=False))
        self.discard(job_id, attempt)
        return len(runs)

    def discard(self, job_id: str, attempt: int) -> None:
        """Drop what a run of ``attempt`` staged (its result was not taken)."""
        staged = self._staged(job_id, attempt)
        shutil.rmtree(staged, ignore_errors=True)
        with contextlib.suppress(OSError):
            staged.parent.rmdir()  # only when no other attempt is staged

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
        staging = self.root / STAGING_NAME
        entries = [e for e in self.root.iterdir() if e != staging]
        if staging.is_dir():
            entries += list(staging.iterdir())  # runs abandoned by a worker that died
        for entry in entries:
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed


def _fresh_run(base: Path, *, create: bool = True) -> Path:
    """The first ``run-<k>`` under ``base`` not taken yet (made now when ``create``)."""
    run = 1
    while True:
        path = base / f"run-{run}"
        if create:
            try:
                path.mkdir()
            except FileExistsError:
                run += 1
                continue
            return path
        if not path.exists():
            return path
        run += 1
