"""Aggregate figures served by ``GET /v1/stats``."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DurationStats(BaseModel):
    """What the scheduler has learned about durations (moving averages of results)."""

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
    jobs_by_status: dict[str, int]
    jobs_by_target: dict[str, dict[str, int]] = {}
    installs_done: int = 0
    installs_saved: int = 0
    groups_formed: int = 0
    retries: int = 0
    dead_letters: int = 0
    groups_split: int = 0
    """Groups split across workers (a part given to another worker)."""
    preemptions: int = 0
    """Groups that handed their worker back at a test boundary for more urgent or fairer work."""
    durations: DurationStats = Field(default_factory=DurationStats)
