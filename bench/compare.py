"""``python -m bench.compare``: qgjob's figures beside the peers', as ratios, from the latest
results of ``bench.throughput`` and ``bench.peers`` (``bench/results/*-latest.json``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.harness import RESULTS


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "–"


def render(ours: dict[str, Any], peers: dict[str, Any]) -> str:
    mode = ours["modes"]["aof off"]
    e2e, single = mode["end_to_end"], mode["single_submit"]
    ours_cpu = sum(v for k, v in e2e["cpu_ms_per_unit"].items() if not k.startswith("bench"))
    names = list(peers["peers"])
    p = peers["peers"]
    fastest = max(names, key=lambda n: p[n]["process_per_s"])
    fastest_enqueue = max(names, key=lambda n: p[n]["enqueue_per_s"])
    cpu = {n: p[n]["worker_cpu_ms_per_job"] + p[n].get("redis_cpu_ms_per_job", 0) for n in names}
    leanest = min(names, key=lambda n: cpu[n])
    lines = [
        f"## qgjob beside the peers ({ours['date']} / {peers['date']})",
        "",
        f"{e2e['jobs']:,} no-op jobs each; qgjob with AOF off, its end-to-end run submitting "
        f"through {e2e['submitted_through']}.",
        "",
        _row(["", "qgjob", *(f"{n} ({p[n]['version']})" for n in names)]),
        _row(["---"] * (2 + len(names))),
        _row(
            [
                "enqueue (jobs/s)",
                f"{e2e['submit_jobs_per_s']:,.0f} batched; {single['per_s']:,.0f} by POST /v1/jobs",
                *(f"{p[n]['enqueue_per_s']:,.0f}" for n in names),
            ]
        ),
        _row(
            [
                "process (jobs/s, first enqueue → last done)",
                f"{e2e['jobs_per_s']:,.0f}",
                *(f"{p[n]['process_per_s']:,.0f}" for n in names),
            ]
        ),
        _row(
            [
                "CPU per job (ms)",
                f"{ours_cpu:.2f} (all services and Redis)",
                *(f"{cpu[n]:.2f} (worker and Redis)" for n in names),
            ]
        ),
        "",
        f"- end to end ÷ fastest peer's process rate ({fastest}): "
        f"**{_ratio(e2e['jobs_per_s'], p[fastest]['process_per_s'])}** (target ≥ 1.5×)",
        f"- batched submit ÷ fastest peer's enqueue rate ({fastest_enqueue}): "
        f"{_ratio(e2e['submit_jobs_per_s'], p[fastest_enqueue]['enqueue_per_s'])}",
        f"- POST /v1/jobs ÷ fastest peer's enqueue rate ({fastest_enqueue}): "
        f"{_ratio(single['per_s'], p[fastest_enqueue]['enqueue_per_s'])}",
        f"- CPU per job ÷ leanest peer's CPU per job ({leanest}): "
        f"**{_ratio(ours_cpu, cpu[leanest])}** (target ≤ 1.1×)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    a = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    a.add_argument("--results", type=Path, default=RESULTS)
    args = a.parse_args(argv)
    ours = _load(args.results / "throughput-latest.json")
    peers = _load(args.results / "peers-latest.json")
    if ours is None or peers is None:
        print("no results to compare yet: run make bench (or make bench-peers)", file=sys.stderr)
        return 1
    text = render(ours, peers)
    (args.results / "comparison-latest.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
