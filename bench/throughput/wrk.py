"""Closed-loop HTTP load from ``wrk`` (Debian's package): one thread, ``concurrency``
keep-alive connections, each sending its next request when the last one answered.

wrk is C: it spends about 0.05 ms of CPU per request where an httpx client spent several
milliseconds on this machine, so on two shared cores it leaves the API the CPU it is being
measured for. The requests are built by a Lua script (:func:`script`); its ``done`` hook
prints the figures as one JSON line, which :func:`run_wrk` reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARK = "WRK-RESULT "

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    MARK, summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

_LINES = """
local lines = {}
for line in io.lines(LINES_FILE) do lines[#lines + 1] = line end
local n = 0
"""

_POST = """
request = function()
  n = n + 1
  return wrk.format('POST', PATH, HEADERS, lines[(n - 1) % #lines + 1])
end
"""

_GET = """
math.randomseed(9)
request = function()
  return wrk.format('GET', PATH_PREFIX .. lines[math.random(#lines)], HEADERS)
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal here (ASCII)


def script(kind: str, path: str, lines_file: Path, headers: dict[str, str]) -> str:
    """A wrk script: ``post`` sends the lines of ``lines_file`` as JSON bodies to ``path``
    in turn; ``get`` requests ``path`` + a random line (an id)."""
    if kind == "post":
        headers = {"Content-Type": "application/json", **headers}
    table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    head = (
        f"MARK = {_lua_string(MARK)}\nLINES_FILE = {_lua_string(str(lines_file))}\n"
        f"HEADERS = {{{table}}}\n"
        + (f"PATH = {_lua_string(path)}\n" if kind == "post" else "")
        + (f"PATH_PREFIX = {_lua_string(path)}\n" if kind == "get" else "")
    )
    return head + _LINES + (_POST if kind == "post" else _GET) + _DONE


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_s": round(self.rate, 1),
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "errors": self.errors,
            "load_generator": "wrk, 1 thread",
        }


def available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str,
    kind: str,
    path: str,
    lines: list[str],
    *,
    seconds: int,
    concurrency: int,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """Run wrk against ``url`` for ``seconds``; see :func:`script`."""
    if not available():
        raise RuntimeError("wrk is not installed: apt-get install wrk (or make bench)")
    with tempfile.TemporaryDirectory(prefix="qgjob-wrk-") as tmp:
        lines_file = Path(tmp) / "lines.txt"
        lines_file.write_text("\n".join(lines) + "\n")
        lua = Path(tmp) / "load.lua"
        lua.write_text(script(kind, path, lines_file, headers or {}))
        argv = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s"]
        done = subprocess.run(
            [*argv, "-s", str(lua), url],
            check=False,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            raw = json.loads(line[len(MARK) :])
            return WrkResult(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                p50_ms=round(raw["p50_us"] / 1000, 2),
                p99_ms=round(raw["p99_us"] / 1000, 2),
                max_ms=round(raw["max_us"] / 1000, 2),
                errors={
                    k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]
                },
            )
    raise RuntimeError(f"wrk printed no result (exit {done.returncode}): {done.stderr.strip()}")
