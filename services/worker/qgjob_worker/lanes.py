"""When a lane may take an inbox entry up again after it failed: a backoff that doubles with
each failure of the entry in a row (jittered), so a failure that repeats is never a hot loop."""

from __future__ import annotations

import time

from qgjob_worker.backoff import retry_delay

LANE_RETRY_BASE_S, LANE_RETRY_CAP_S = 0.5, 30.0


class LaneRetries:
    def __init__(self, *, base_s: float = LANE_RETRY_BASE_S, cap_s: float = LANE_RETRY_CAP_S):
        self.base_s, self.cap_s = base_s, cap_s
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, float] = {}

    def failed(self, entry_id: str) -> tuple[int, float]:
        """Count a failure of the entry; returns how many in a row, and the delay (s)."""
        failures = self._failures.get(entry_id, 0) + 1
        self._failures[entry_id] = failures
        delay = retry_delay(failures, base=self.base_s, cap=self.cap_s)
        self._not_before[entry_id] = time.monotonic() + delay
        return failures, delay

    def succeeded(self, entry_id: str) -> None:
        self._failures.pop(entry_id, None)
        self._not_before.pop(entry_id, None)

    def due(self, entry_id: str) -> bool:
        """Whether the entry may be taken up now."""
        return self._not_before.get(entry_id, 0.0) <= time.monotonic()
