"""The artifact folder: runs get their own folders, lookups stay inside a job, old jobs go."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import TestCounts
from qgjob_worker.drivers.reports import json_counts, read_counts


def test_runs_and_attempts_get_their_own_folders(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    first, rerun, retry = store.new_run("J1", 1), store.new_run("J1", 1), store.new_run("J1", 2)
    assert [p.root.relative_to(tmp_path).as_posix() for p in (first, rerun, retry)] == [
        "J1/attempt-1/run-1",
        "J1/attempt-1/run-2",
        "J1/attempt-2/run-1",
    ]
    assert first.output.is_dir() and first.log.name == "log.txt"


def test_find_never_leaves_the_job_folder(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "a")
    run = store.new_run("J1", 1)
    run.log.write_text("ok")
    (tmp_path / "secret").write_text("no")
    (run.output / "link").symlink_to(tmp_path / "secret")
    assert store.find("J1", "attempt-1/run-1/log.txt") == run.log.resolve()
    for bad in ["../../secret", "/etc/passwd", "attempt-1/run-1/output/link", "attempt-1"]:
        assert store.find("J1", bad) is None, bad
    with pytest.raises(ValueError, match="not a job id"):
        store.job_dir("..")


def test_prune_drops_jobs_older_than_the_retention(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    store.new_run("OLD", 1)
    store.new_run("NEW", 1)
    week_ago = time.time() - 8 * 86400
    os.utime(tmp_path / "OLD", (week_ago, week_ago))
    assert store.prune(7 * 86400) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["NEW"]


def test_reports_give_counts(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text(
        '{"stats": {"expected": 5, "unexpected": 2, "flaky": 1, "skipped": 3}}'
    )
    assert read_counts(tmp_path) == TestCounts(total=11, passed=6, failed=2, skipped=3)
    jest = tmp_path / "jest.json"
    jest.write_text(
        '{"numTotalTests": 4, "numPassedTests": 3, "numFailedTests": 1, "numPendingTests": 0}'
    )
    assert json_counts(jest) == TestCounts(total=4, passed=3, failed=1, skipped=0)
    (tmp_path / "junit.xml").write_text(
        "<testsuite><testcase/><testcase><error/></testcase><testcase><skipped/></testcase></testsuite>"
    )
    assert read_counts(tmp_path) == TestCounts(
        total=3, passed=1, failed=1, skipped=1
    )  # JUnit first
    (tmp_path / "junit.xml").write_text("<not closed")
    (tmp_path / "report.json").write_text("[]")
    jest.unlink()
    assert read_counts(tmp_path) is None
