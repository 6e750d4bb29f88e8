"""``qgjob workers``: an unhealthy worker's reason on the line under its row, cut to fit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from qgjob_cli.output import table
from qgjob_cli.workers import HEADERS, with_reasons, worker_row

NOW = datetime(2026, 11, 28, 12, 0, 5, tzinfo=UTC)
REASON = "device 127.0.0.1:5555 is offline: error: device '127.0.0.1:5555' not found"


def worker(wid: str, state: str, detail: str | None = None) -> dict[str, Any]:
    return {"id": wid, "target": "device", "state": state, "capacity": 1,
            "last_heartbeat": "2026-11-28T12:00:04+00:00", "health_detail": detail}  # fmt: skip


def shown(listed: list[dict[str, Any]], width: int | None) -> list[str]:
    lines = table(HEADERS, [worker_row(w, NOW) for w in listed], width=width)
    return with_reasons(lines.split("\n"), listed, width)


def test_the_reason_is_under_the_unhealthy_row_only() -> None:
    lines = shown([worker("device-1", "unhealthy", REASON), worker("device-2", "idle")], None)
    assert [line.split()[0] for line in lines] == ["WORKER", "device-1", "↳", "device-2"]
    assert lines[2] == f"  ↳ {REASON}"


def test_a_long_reason_is_cut_to_the_terminal() -> None:
    lines = shown([worker("device-1", "unhealthy", REASON)], 40)
    assert lines[2] == f"  ↳ {REASON}"[:39] + "…"
    assert len(lines[2]) == 40
