"""``python -m bench.peers`` (in ``bench/.venv-peers``; ``make bench-peers``)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from bench.peers.report import render
from bench.peers.run import PEERS, run_peer
from bench.throughput.config import RESULTS


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    p.add_argument("--jobs", type=int, default=20_000)
    p.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset")
    p.add_argument("--out", type=Path, default=RESULTS)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    run_id = time.strftime("%Y%m%d-%H%M%S")
    result: dict[str, Any] = {
        "bench": "peers",
        "run_id": run_id,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "peers": {},
    }
    workdir = a.out.resolve() / "runs" / f"peers-{run_id}"
    try:
        for name in a.peers.split(","):
            print(f"{name}: {a.jobs} no-op jobs", file=sys.stderr, flush=True)
            result["peers"][name] = run_peer(name, a.jobs, workdir)
            print(f"  {result['peers'][name]['process_per_s']:,.0f} jobs/s", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: every process the bench started was stopped", file=sys.stderr)
        return 130
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    a.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2)
    (a.out / f"peers-{run_id}.json").write_text(text)
    (a.out / "peers-latest.json").write_text(text)
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
