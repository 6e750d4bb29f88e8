"""Aggregate figures served by ``GET /v1/stats``."""

from __future__ import annotations

from pydantic import BaseModel


class Stats(BaseModel):
    jobs_by_status: dict[str, int]
    jobs_by_target: dict[str, dict[str, int]] = {}
    installs_done: int = 0
    installs_saved: int = 0
    groups_formed: int = 0
    retries: int = 0
    dead_letters: int = 0
