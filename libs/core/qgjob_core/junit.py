"""JUnit XML reports of a job or suite, for CI test-report tools.

One ``<testsuite>`` per target, one ``<testcase>`` per job (``name`` = the test path,
``classname`` = the target, so the same test on two targets stays two cases):

* ``failed`` → ``<failure>`` with the result's message;
* ``dead`` → ``<error type="dead">`` with the last error; ``cancelled`` →
  ``<error type="cancelled">``; unfinished when the wait timed out →
  ``<error type="unfinished">``;
* a flaky pass passes, with one ``<flakyFailure>`` per failed run before the pass (as
  Maven Surefire writes them), ``<property name="flaky" value="true">`` and its runs, and
  says so in its ``<system-out>``;
* ``time`` is the job's duration as qgjob shows it everywhere: all its runs (the last
  run's is the ``last_run_s`` property when there were more);
* ``<system-out>`` holds the log tail of every job that has one.

Terminal colour codes and characters XML cannot carry are removed from the text.

The CLI (``qgjob wait --junit``) and the API (``GET /v1/suites/{id}/junit``) both write
their reports with this module.
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from qgjob_schemas import Job, JobStatus

Kind = Literal["job", "suite"]


@dataclass(kw_only=True)
class ReportSubject:
    """What a report is of: one job or a suite (its heading and properties)."""

    kind: Kind
    id: str
    org_id: str
    app_version_id: str
    created_at: datetime
    name: str = ""


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", _ANSI.sub("", text))


def _seconds(job: Job) -> float:
    return job.result.total_s if job.result is not None else 0.0


def _problem(job: Job) -> tuple[str, str, str] | None:
    """(element, type, message) of a job that did not pass."""
    message = (job.result.message if job.result else "") or job.error or ""
    if job.status is JobStatus.FAILED:
        return "failure", "failed", message or "the test failed"
    if job.status is JobStatus.DEAD:
        return "error", "dead", f"dead after {job.attempts} attempt(s): {message or 'no reason'}"
    if job.status is JobStatus.CANCELLED:
        return "error", "cancelled", message or "cancelled"
    if job.status is not JobStatus.PASSED:
        return "error", "unfinished", f"still {job.status.value} when the wait ended"
    return None


def _testcase(parent: ET.Element, job: Job) -> dict[str, float]:
    case = ET.SubElement(
        parent,
        "testcase",
        name=clean(job.test_path),
        classname=job.target.value,
        file=clean(job.test_path),
        time=f"{_seconds(job):.3f}",
    )
    result = job.result
    props = {"job_id": job.id, "attempts": str(job.attempts)}
    if result is not None and result.runs > 1:
        props["last_run_s"] = f"{result.duration_s:.3f}"
    if job.flaky and result is not None:
        props |= {"flaky": "true", "runs": str(result.runs)}
    properties = ET.SubElement(case, "properties")
    for name, value in props.items():
        ET.SubElement(properties, "property", name=name, value=value)
    problem = _problem(job)
    if problem is not None:
        tag, kind, message = problem
        element = ET.SubElement(case, tag, message=clean(message), type=kind)
        element.text = clean(message)
    if job.flaky and result is not None:
        for run in range(1, result.runs):
            message = f"run {run} of {result.runs} failed; run {result.runs} passed"
            ET.SubElement(case, "flakyFailure", message=message, type="failed").text = message
    out = []
    if job.flaky and result is not None:
        out.append(f"flaky: passed after {result.runs} runs\n")
    if result is not None and result.log_tail:
        out.append(result.log_tail)
    if out:
        ET.SubElement(case, "system-out").text = clean("".join(out))
    tag = problem[0] if problem else ""
    return {"tests": 1, "failures": float(tag == "failure"), "errors": float(tag == "error")}


def report(tracked: ReportSubject, jobs: list[Job]) -> ET.ElementTree[ET.Element]:
    by_target: dict[str, list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: (j.target.value, j.test_path)):
        by_target[job.target.value].append(job)
    title = f"qgjob {tracked.kind} {tracked.id}" + (f" {tracked.name}" if tracked.name else "")
    root = ET.Element("testsuites", name=clean(title))
    totals: dict[str, float] = defaultdict(float)
    for target, group in by_target.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{tracked.app_version_id} on {target}",
            timestamp=tracked.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("qgjob.id", tracked.id),
            ("qgjob.org_id", tracked.org_id),
            ("qgjob.app_version_id", tracked.app_version_id),
            ("qgjob.target", target),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        counts: dict[str, float] = defaultdict(float)
        for job in group:
            for key, n in _testcase(suite, job).items():
                counts[key] += n
            counts["time"] += _seconds(job)
        for key in ("tests", "failures", "errors"):
            suite.set(key, str(int(counts[key])))
        suite.set("skipped", "0")
        suite.set("time", f"{counts['time']:.3f}")
        for key, n in counts.items():
            totals[key] += n
    for key in ("tests", "failures", "errors"):
        root.set(key, str(int(totals[key])))
    root.set("time", f"{totals['time']:.3f}")
    root.set("timestamp", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return ET.ElementTree(root)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write(path: Path, tracked: ReportSubject, jobs: list[Job]) -> None:
    """Write the report to ``path`` (its folder is created; the file is replaced whole).
    Raises ``OSError`` when it cannot be written."""
    tree = report(tracked, jobs)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        tree.write(fh, encoding="utf-8", xml_declaration=True)
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)
