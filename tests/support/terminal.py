"""Running ``qgjob`` on a terminal of a given width: a real pseudo-terminal (pexpect) whose
output is drawn by a terminal emulator (pyte), so a test reads the screen a user sees —
the live progress bar redrawn in place, lines wrapped where the terminal wraps them."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte

ROWS = 200
"""Tall enough that nothing a command prints scrolls off the screen."""


@dataclass
class Screen:
    columns: int
    lines: list[str]
    """The screen's rows as drawn, trailing blanks removed, empty rows at the end dropped."""
    exit_code: int | None
    frames: list[list[str]] = field(default_factory=list)
    """The screen as it was at each moment output arrived (to see the bar while it ran)."""
    raw: bytes = b""
    """The bytes the command wrote, colour codes and all."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def keep(self, folder: Path, name: str) -> Path:
        """Write the screen to ``folder/name-<columns>cols.txt`` (kept in test-output/)."""
        path = folder / f"{name}-{self.columns}cols.txt"
        path.write_text(self.text + "\n", encoding="utf-8")
        return path


def _rows(screen: pyte.Screen) -> list[str]:
    rows = [line.rstrip() for line in screen.display]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def run_on_terminal(
    args: list[str], env: Mapping[str, str | None], *, columns: int, timeout: float = 60.0
) -> Screen:
    """``qgjob ARGS`` on a ``columns``-wide terminal; the screen once it has exited."""
    merged = {**os.environ, **env, "COLUMNS": str(columns), "LINES": str(ROWS), "TERM": "xterm"}
    clean = {k: v for k, v in merged.items() if v is not None}
    screen = pyte.Screen(columns, ROWS)
    stream = pyte.ByteStream(screen)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "qgjob_cli", *args],
        env=clean,
        dimensions=(ROWS, columns),
        timeout=timeout,
    )
    frames: list[list[str]] = []
    raw = bytearray()
    try:
        while True:
            try:
                chunk = child.read_nonblocking(65536, timeout=timeout)
            except pexpect.EOF:
                break
            raw += chunk
            stream.feed(chunk)
            frames.append(_rows(screen))
    finally:
        child.close()
    return Screen(columns, _rows(screen), child.exitstatus, frames, bytes(raw))
