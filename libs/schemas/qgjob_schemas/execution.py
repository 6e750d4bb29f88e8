"""What a worker knows of a job it runs: the fields a driver needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunJob:
    id: str
    org_id: str
    app_version_id: str
    test_path: str
    target: str
    priority: str
    status: str
    attempts: int
    max_attempts: int
    flaky_retries: int = 0
    app_url: str = ""
    traceparent: str = ""
    """The W3C trace context of the job's trace ('' without tracing)."""

    @classmethod
    def from_pairs(cls, flat: list[str]) -> RunJob:
        """Build from a flat ``[field, value, ...]`` list as the Lua scripts return it."""
        d = dict(zip(flat[::2], flat[1::2], strict=True))
        return cls(
            id=d["id"],
            org_id=d["org_id"],
            app_version_id=d["app_version_id"],
            test_path=d["test_path"],
            target=d["target"],
            priority=d["priority"],
            status=d["status"],
            attempts=int(d["attempts"] or 0),
            max_attempts=int(d["max_attempts"] or 1),
            flaky_retries=int(d["flaky_retries"] or 0),
            app_url=d.get("app_url", ""),
            traceparent=d.get("traceparent", ""),
        )
