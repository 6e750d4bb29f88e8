"""Text for people: aligned columns, coloured statuses, short durations and ages."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TextIO

import typer

from qgjob_schemas import JobStatus

STATUS_COLOURS = {
    JobStatus.PASSED: "green",
    JobStatus.FAILED: "red",
    JobStatus.DEAD: "magenta",
    JobStatus.CANCELLED: "yellow",
    JobStatus.ERROR: "yellow",
    JobStatus.RUNNING: "cyan",
    JobStatus.SCHEDULED: "blue",
    JobStatus.QUEUED: "white",
}
STATUS_VALUES = {s.value for s in JobStatus}
STATUS_ORDER = [
    JobStatus.PASSED,
    JobStatus.FAILED,
    JobStatus.DEAD,
    JobStatus.CANCELLED,
    JobStatus.ERROR,
    JobStatus.RUNNING,
    JobStatus.SCHEDULED,
    JobStatus.QUEUED,
]


def is_tty(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def status_text(status: str, *, colour: bool | None = None) -> str:
    """The status, coloured on a terminal."""
    if colour is None:
        colour = is_tty()
    fg = STATUS_COLOURS.get(JobStatus(status)) if status in STATUS_VALUES else None
    return typer.style(status, fg=fg) if colour and fg else status


def counts_text(counts: Mapping[str, int]) -> str:
    """``2 passed, 1 failed, 3 running`` in a fixed order, statuses with none left out."""
    parts = [f"{counts[s]} {s.value}" for s in STATUS_ORDER if counts.get(s.value)]
    return ", ".join(parts) or "no jobs"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _visible(text: str) -> str:
    return _ANSI.sub("", text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Columns aligned with two spaces, no trailing blanks (like ``kubectl get``). Cells may
    hold terminal colour codes: widths count the visible characters only."""
    rows = [list(r) for r in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(_visible(cell)))
    lines = []
    for row in [list(headers), *rows]:
        cells = [cell + " " * (widths[i] - len(_visible(cell))) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def duration(seconds: float | None) -> str:
    """``850 ms``, ``12.4 s``, ``3m05s``, ``2h10m``."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """How long ago: ``5s``, ``3m``, ``2h``, ``4d``."""
    if when is None:
        return "-"
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def short(text: str, limit: int = 60) -> str:
    """One line of at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
