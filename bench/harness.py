"""What every bench run shares: where its results go and what they begin with, how they are
saved, and how a run is started from the command line. Nothing here needs more than the
standard library: ``bench.peers`` imports it in a virtualenv of its own."""

from __future__ import annotations

import dataclasses
import json
import os
import platform as host
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bench.throughput.progress import say

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RESULTS = Path(__file__).resolve().parent / "results"


class Config(Protocol):
    @property
    def out(self) -> Path:
        """The folder of the JSON results."""
        ...


C = TypeVar("C", bound=Config)


def header(kind: str, config: DataclassInstance) -> dict[str, Any]:
    """A result's first fields. Its run id, a time stamp, also names its file and the
    folder of its logs."""
    return {
        "bench": kind,
        "run_id": time.strftime("%Y%m%d-%H%M%S"),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(),
        "config": {k: str(v) for k, v in dataclasses.asdict(config).items()},
    }


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    redis = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": host.python_version(),
        "redis": next((w.split("=", 1)[1] for w in redis if w.startswith("v=")), "?"),
        "os": host.platform(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def save(result: dict[str, Any], out: Path, kind: str) -> Path:
    """``<kind>-<run id>.json`` in ``out``, and the same as ``<kind>-latest.json``."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kind}-{result['run_id']}.json"
    text = json.dumps(result, indent=2)
    path.write_text(text)
    (out / f"{kind}-latest.json").write_text(text)
    return path


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(
    kind: str,
    config: C,
    run: Callable[[C], dict[str, Any]],
    render: Callable[[dict[str, Any]], str],
) -> int:
    """Runs the bench, saves its result and prints it: 0, or 130 when interrupted."""
    # Ctrl-C and SIGTERM stop the bench wherever it is. asyncio.run's own SIGINT handling
    # would only cancel its task, which a phase waiting on a cancellable step may absorb.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        result = run(config)
    except KeyboardInterrupt:
        say("interrupted: every process the bench started was stopped")
        return 130
    path = save(result, config.out, kind)
    print(render(result))
    say(f"raw results: {path}")
    return 0
