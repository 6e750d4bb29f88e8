"""``python -m bench.peers`` (in ``bench/.venv-peers``; ``make bench-peers``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.peers.report import render
from bench.peers.run import PEERS, run_peer


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    p.add_argument("--jobs", type=int, default=20_000)
    p.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset")
    p.add_argument("--out", type=Path, default=harness.RESULTS)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, harness.interrupt)
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
    harness.save(result, a.out, "peers")
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
