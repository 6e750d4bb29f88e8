"""Turn Redis hashes and stream entries into the schema models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import orjson

from qgjob_schemas import (
    DeadLetter,
    GroupState,
    Job,
    JobEvent,
    JobGroup,
    JobResult,
    JobStatus,
    Priority,
    Target,
)


def ts(value: str | None) -> datetime | None:
    """A stored epoch-seconds string as an aware datetime; '' and None are None."""
    if not value:
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)


def _required_ts(value: str) -> datetime:
    return datetime.fromtimestamp(float(value), tz=UTC)


def _opt(value: str | None) -> str | None:
    return value or None


def job_from_hash(h: Mapping[str, str]) -> Job:
    result = orjson.loads(h["result"]) if h.get("result") else None
    return Job(
        id=h["id"],
        org_id=h["org_id"],
        app_version_id=h["app_version_id"],
        test_path=h["test_path"],
        priority=Priority(h["priority"]),
        target=Target(h["target"]),
        status=JobStatus(h["status"]),
        max_attempts=int(h.get("max_attempts") or 1),
        flaky_retries=int(h.get("flaky_retries") or 0),
        app_url=_opt(h.get("app_url")),
        attempts=int(h.get("attempts") or 0),
        created_at=_required_ts(h["created_at"]),
        updated_at=_required_ts(h.get("updated_at") or h["created_at"]),
        started_at=ts(h.get("started_at")),
        finished_at=ts(h.get("finished_at")),
        worker_id=_opt(h.get("worker_id")),
        group_id=_opt(h.get("group_id")),
        suite_id=_opt(h.get("suite_id")),
        result=JobResult.model_validate(result) if result else None,
        error=_opt(h.get("error")),
        cancel_requested=h.get("cancel_requested") == "1",
    )


def group_from_hash(h: Mapping[str, str], job_ids: list[str] | None = None) -> JobGroup:
    installed = h.get("installed")
    return JobGroup(
        id=h["id"],
        org_id=h["org_id"],
        app_version_id=h["app_version_id"],
        target=Target(h["target"]),
        state=GroupState(h["state"]),
        priority=Priority(h.get("priority") or "normal"),
        size=int(h.get("size") or 0),
        created_at=_required_ts(h["created_at"]),
        dispatched_at=ts(h.get("dispatched_at")),
        started_at=ts(h.get("started_at")),
        finished_at=ts(h.get("finished_at")),
        worker_id=_opt(h.get("worker_id")),
        installed=None if not installed else installed == "1",
        install_s=float(h["install_s"]) if h.get("install_s") else None,
        takeovers=int(h.get("takeovers") or 0),
        job_ids=job_ids or [],
    )


def event_from_entry(entry_id: str, f: Mapping[str, str]) -> JobEvent:
    attempt = f.get("attempt")
    return JobEvent(
        id=entry_id,
        job_id=f["job"],
        org_id=f["org"],
        status=JobStatus(f["status"]),
        at=_required_ts(f["at"]),
        group_id=_opt(f.get("group")),
        suite_id=_opt(f.get("suite")),
        worker_id=_opt(f.get("worker")),
        attempt=int(attempt) if attempt else None,
        message=_opt(f.get("message")),
    )


def dead_letter_from_entry(entry_id: str, f: Mapping[str, str]) -> DeadLetter:
    known = {"job", "org", "reason", "attempts", "last_error", "log_tail", "at"}
    return DeadLetter(
        id=entry_id,
        job_id=_opt(f.get("job")),
        org_id=_opt(f.get("org")),
        reason=f.get("reason", "unknown"),
        attempts=int(f.get("attempts") or 0),
        last_error=_opt(f.get("last_error")),
        log_tail=f.get("log_tail", ""),
        at=ts(f.get("at")) or datetime.now(UTC),
        raw={k: v for k, v in f.items() if k not in known} or None,
    )
