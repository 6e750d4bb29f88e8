"""The peers' figures as a Markdown table."""

from __future__ import annotations

from typing import Any


def table(result: dict[str, Any]) -> str:
    lines = [
        "| peer | enqueue (jobs/s, one producer) | process (jobs/s, first enqueue → last done) "
        "| CPU per job: worker + Redis |",
        "| --- | --- | --- | --- |",
    ]
    for name, p in result["peers"].items():
        lines.append(
            f"| {name} ({p['version']}) | {p['enqueue_per_s']:,.0f} | {p['process_per_s']:,.0f} "
            f"| {p['worker_cpu_ms_per_job']:.2f} + {p['redis_cpu_ms_per_job']:.2f} ms |"
        )
    return "\n".join(lines)


def render(result: dict[str, Any]) -> str:
    n = next(iter(result["peers"].values()))["jobs"] if result["peers"] else 0
    return "\n".join(
        [
            f"## Peers: {n:,} no-op jobs each ({result['date']})",
            "",
            f"Load average {result['load_before'][0]} before, {result['load_after'][0]} after "
            "(the machine is shared: figures are noisy). Each on a fresh redis-server, "
            "AOF off; configuration in bench/peers/README.md.",
            "",
            table(result),
        ]
    )
