"""Aggregate figures served by ``GET /v1/stats``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class QueueStats(BaseModel):
    """One stream read by a consumer group."""

    depth: int = Field(
        description="Entries not yet acked: lag + pending. Per target: its groups not done "
        "(waiting for a worker, or held by one), what KEDA scales its workers on."
    )
    lag: int = Field(description="Entries no consumer has read yet.")
    pending: int = Field(
        description="Entries read but not yet acked. Per target: one per group waiting or held."
    )
    waiting_groups: int = Field(
        default=0, description="Per target: groups waiting for a free worker (in `pending`)."
    )


class DurationStats(BaseModel):
    """What the scheduler has learned about durations (moving averages of results): from the
    caller's org's runs only (an operator: every org's, or ``org_id``'s)."""

    install_s: dict[str, float] = Field(
        default_factory=dict, description="Expected install time per target, in seconds."
    )
    test_s: dict[str, float] = Field(
        default_factory=dict, description="Average test duration per target, in seconds."
    )
    tests_known: int = Field(
        default=0, description="(org, test path, target) whose duration has been learned."
    )


class Stats(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": None,
                    "jobs_by_status": {"queued": 2, "running": 1, "passed": 40, "failed": 3},
                    "jobs_by_target": {"emulator": {"passed": 40, "failed": 3}},
                    "installs_done": 4,
                    "installs_saved": 6,
                    "groups_formed": 10,
                    "retries": 1,
                    "dead_letters": 0,
                    "jobs_per_minute": 8.6,
                    "queue_wait_p50_s": 0.41,
                    "queue_wait_p95_s": 2.3,
                    "queues": {"jobs": {"depth": 0, "lag": 0, "pending": 0}},
                    "workers_by_state": {"idle": 2, "busy": 1},
                    "jobs_finished_by_target": {"emulator": {"passed": 40, "failed": 3}},
                    "workers_by_target": {"emulator": {"idle": 2, "busy": 1}},
                }
            ]
        }
    )

    org_id: str | None = Field(default=None, description="The organisation; null: every one.")
    jobs_by_status: dict[str, int]
    jobs_by_target: dict[str, dict[str, int]] = {}
    installs_done: int = 0
    installs_saved: int = 0
    groups_formed: int = 0
    retries: int = 0
    dead_letters: int = 0
    jobs_per_minute: float = Field(
        default=0.0, description="Jobs that reached a terminal status in the last 5 minutes / 5."
    )
    queue_wait_p50_s: float | None = Field(
        default=None, description="Median submit → first run, over the latest 1,000 starts."
    )
    queue_wait_p95_s: float | None = None
    queues: dict[str, QueueStats] | None = Field(
        default=None,
        description="Per stream (`jobs`, then each target's assignments); operators only.",
    )
    workers_by_state: dict[str, int] | None = Field(
        default=None,
        description="Registered workers by state (`lost`: no heartbeat); operators only.",
    )
    groups_split: int = 0
    """Groups split across workers (a part given to another worker)."""
    preemptions: int = 0
    """Groups that handed their worker back at a test boundary for more urgent or fairer work."""
    durations: DurationStats = Field(default_factory=DurationStats)
    jobs_finished_by_target: dict[str, dict[str, int]] = Field(
        default={},
        description="Jobs that reached a terminal status, per target and status, since the "
        "store began (only grows: a requeued dead job that ends again counts again).",
    )
    workers_by_target: dict[str, dict[str, int]] | None = Field(
        default=None,
        description="Registered workers per target and state (`lost`: no heartbeat); "
        "operators only.",
    )


TIMELINE_MAX_MINUTES = 60
"""Minutes of history the timeline keeps (the per-minute buckets expire after an hour)."""


class TimelinePoint(BaseModel):
    """Jobs that reached a terminal status during one minute."""

    at: datetime = Field(description="Start of the minute (UTC).")
    finished: int = Field(description="Jobs that reached a terminal status in this minute.")
    passed: int = 0
    failed: int = 0
    dead: int = 0
    cancelled: int = 0


class StatsTimeline(BaseModel):
    """Finished jobs per minute, oldest minute first, ending with the current minute."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "qualgent",
                    "points": [
                        {
                            "at": "2026-11-28T12:00:00Z",
                            "finished": 12,
                            "passed": 10,
                            "failed": 1,
                            "dead": 1,
                            "cancelled": 0,
                        },
                        {
                            "at": "2026-11-28T12:01:00Z",
                            "finished": 9,
                            "passed": 9,
                            "failed": 0,
                            "dead": 0,
                            "cancelled": 0,
                        },
                    ],
                }
            ]
        }
    )

    org_id: str | None = Field(default=None, description="The organisation; null: every one.")
    points: list[TimelinePoint]
