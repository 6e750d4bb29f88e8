"""Text for people: aligned columns, coloured statuses, short durations and ages."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TextIO

import typer

from qgjob_schemas import JobResult, JobStatus

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


def colour_wanted(stream: TextIO | None = None) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (https://no-color.org)."""
    return is_tty(stream) and not os.environ.get("NO_COLOR")


def status_text(status: str, *, colour: bool | None = None) -> str:
    """The status, coloured on a terminal."""
    if colour is None:
        colour = colour_wanted()
    fg = STATUS_COLOURS.get(JobStatus(status)) if status in STATUS_VALUES else None
    return typer.style(status, fg=fg) if colour and fg else status


def counts_text(counts: Mapping[str, int]) -> str:
    """``2 passed, 1 failed, 3 running`` in a fixed order, statuses with none left out."""
    parts = [f"{counts[s]} {s.value}" for s in STATUS_ORDER if counts.get(s.value)]
    return ", ".join(parts) or "no jobs"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _visible(text: str) -> str:
    return _ANSI.sub("", text)


def _widths(headers: Sequence[str], rows: list[list[str]]) -> list[int]:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(_visible(cell)))
    return widths


def _middle_cut(cell: str, width: int) -> str:
    """``tests/chec…/pay.spec.js``: a path's end (the file) tells most, then its start."""
    if len(cell) <= width or _ANSI.search(cell):
        return cell
    head = (width - 1) // 3
    return cell[:head] + "…" + cell[len(cell) - (width - 1 - head) :]


MIN_SQUEEZED = 24


def _total(widths: list[int]) -> int:
    return sum(widths) + 2 * (len(widths) - 1)


def _drop(headers: list[str], grid: list[list[str]], names: Sequence[str], width: int) -> None:
    for name in names:
        if _total(_widths(headers, grid)) <= width or name not in headers:
            continue
        at = headers.index(name)
        headers.pop(at)
        for row in grid:
            row.pop(at)


def _squeezed_total(headers: list[str], grid: list[list[str]], squeeze: str | None) -> int:
    """The table's width with its ``squeeze`` column cut as far as it may be."""
    widths = _widths(headers, grid)
    if squeeze in headers:
        at = headers.index(squeeze)
        widths[at] = min(widths[at], MIN_SQUEEZED)
    return _total(widths)


def _compact(headers: list[str], grid: list[list[str]], short: Mapping[str, Sequence[str]]) -> None:
    for name, cells in short.items():
        if name in headers:
            at = headers.index(name)
            for row, cell in zip(grid, cells, strict=True):
                row[at] = cell


def _squeeze(
    headers: list[str], grid: list[list[str]], squeeze: str | None, width: int
) -> list[str] | None:
    """Cut the ``squeeze`` column in the middle until the table fits (not below
    :data:`MIN_SQUEEZED`); its whole cells, or ``None`` when nothing needed cutting."""
    widths = _widths(headers, grid)
    over = _total(widths) - width
    if over <= 0 or squeeze not in headers:
        return None
    at = headers.index(squeeze)
    whole = [row[at] for row in grid]
    keep = max(MIN_SQUEEZED, widths[at] - over)
    for row in grid:
        row[at] = _middle_cut(row[at], keep)
    return whole


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    width: int | None = None,
    drop: Sequence[str] = (),
    short: Mapping[str, Sequence[str]] | None = None,
    squeeze: str | None = None,
    drop_last: Sequence[str] = (),
) -> str:
    """Columns aligned with two spaces, no trailing blanks (like ``kubectl get``). Cells may
    hold terminal colour codes: widths count the visible characters only.

    Given the terminal's ``width``, a table wider than it loses the columns in ``drop`` (in
    that order); then, when even its ``squeeze`` column cut short would not make it fit, the
    columns in ``short`` take their short cells (one a row, in the rows' order); then the
    ``squeeze`` column is cut in the middle (down to :data:`MIN_SQUEEZED` characters), then
    the table loses the columns in ``drop_last``: what fits is never cut, and rows wrap
    only when even that is not enough."""
    headers = list(headers)
    grid = [list(r) for r in rows]
    if width is not None:
        _drop(headers, grid, drop, width)
        if short and _squeezed_total(headers, grid, squeeze) > width:
            _compact(headers, grid, short)
        whole = _squeeze(headers, grid, squeeze, width)
        _drop(headers, grid, drop_last, width)
        if whole is not None and squeeze in headers:
            # columns dropped after the cut left room: cut the whole cells again, less
            at = headers.index(squeeze)
            for row, cell in zip(grid, whole, strict=True):
                row[at] = cell
            _squeeze(headers, grid, squeeze, width)
    widths = _widths(headers, grid)
    lines = []
    for row in [headers, *grid]:
        cells = [cell + " " * (widths[i] - len(_visible(cell))) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def terminal_width(stream: TextIO | None = None) -> int | None:
    """The width of the terminal ``stream`` goes to; ``None`` when it is not one."""
    return shutil.get_terminal_size().columns if is_tty(stream or sys.stdout) else None


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


def run_time(result: JobResult | None) -> str:
    """A job's duration, the same everywhere: all its runs, and the last one when there
    were more (``4.0 s (2 runs, last 2.0 s)``)."""
    if result is None:
        return "-"
    if result.runs > 1:
        return (
            f"{duration(result.total_s)} ({result.runs} runs, last {duration(result.duration_s)})"
        )
    return duration(result.total_s)


def run_time_short(result: JobResult | None) -> str:
    """:func:`run_time` for a narrow column: all the runs' time, then a multiplication sign
    and how many runs there were; the last run's time is left to ``qgjob status``."""
    if result is not None and result.runs > 1:
        return f"{duration(result.total_s)} ×{result.runs}"
    return run_time(result)


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


def fit_width(line: str, width: int, *, indent: str = "    ") -> str:
    """``line`` wrapped at spaces to ``width``, the continuation indented (a terminal itself
    would cut words in two). A word longer than a line stays whole."""
    if len(_visible(line)) <= width or width < 20:
        return line
    return textwrap.fill(
        line,
        width=width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def fit(line: str, stream: TextIO | None = None) -> str:
    """``line`` fitted to the terminal it goes to; unchanged elsewhere (CI logs, pipes)."""
    if not is_tty(stream or sys.stdout):
        return line
    return fit_width(line, shutil.get_terminal_size().columns)
