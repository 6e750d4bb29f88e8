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
    assert first.output.is_dir() and first.log.name == "log.txt"
    assert store.list("J1") == []  # staged: nothing shows before the result is taken
    for run in (first, rerun, retry):
        run.log.write_text("out")
    assert store.publish("J1", 1) == 2 and store.publish("J1", 2) == 1
    assert store.publish("J1", 2) == 0  # a repeated publish moves nothing
    assert [f.path for f in store.list("J1")] == [
        "attempt-1/run-1/log.txt",
        "attempt-1/run-2/log.txt",
        "attempt-2/run-1/log.txt",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".staging", "J1"]
    assert list((tmp_path / ".staging").iterdir()) == []


def test_a_discarded_run_never_shows(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    store.new_run("J1", 1).log.write_text("written by a worker that lost its lease")
    store.discard("J1", 1)
    assert store.publish("J1", 1) == 0
    assert store.list("J1") == []


def test_find_never_leaves_the_job_folder(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "a")
    staged = store.new_run("J1", 1)
    staged.log.write_text("ok")
    (tmp_path / "secret").write_text("no")
    (staged.output / "link").symlink_to(tmp_path / "secret")
    store.publish("J1", 1)
    run = store.job_dir("J1") / "attempt-1" / "run-1"
    assert store.find("J1", "attempt-1/run-1/log.txt") == (run / "log.txt").resolve()
    for bad in ["../../secret", "/etc/passwd", "attempt-1/run-1/output/link", "attempt-1"]:
        assert store.find("J1", bad) is None, bad
    with pytest.raises(ValueError, match="not a job id"):
        store.job_dir("..")


def test_prune_drops_jobs_older_than_the_retention(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    for job_id in ("OLD", "NEW", "LEFT"):
        store.new_run(job_id, 1)
    store.publish("OLD", 1)
    store.publish("NEW", 1)
    week_ago = time.time() - 8 * 86400
    os.utime(tmp_path / "OLD", (week_ago, week_ago))
    os.utime(tmp_path / ".staging" / "LEFT", (week_ago, week_ago))  # its worker died
    assert store.prune(7 * 86400) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".staging", "NEW"]
    assert list((tmp_path / ".staging").iterdir()) == []


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
