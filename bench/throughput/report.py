"""The results as Markdown: the main table (one column per Redis mode, with the targets of
the performance issue), the round trips per stage, and the cores each side used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.throughput.stages import HOT_STAGES

Figures = dict[str, Any]

TARGETS = {
    "suite submit": "≥ 20,000 jobs/s",
    "single submit": "≥ 2,500 jobs/s, p99 ≤ 25 ms",
    "single submit, API alone": "",
    "end to end": "≥ 1.5 × fastest peer",
    "pickup latency": "p50 ≤ 3 ms, p99 ≤ 15 ms",
    "status read": "≥ 5,000 req/s",
    "CPU per job": "≤ 1.1 × leanest peer",
    "peak RSS": "",
    "Redis memory": "≤ 1.5 KB per finished job",
}


def _n(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def _suite(m: Figures) -> str:
    s = m["suite_submit"]
    if "na" in s:
        return f"n/a ({s['na']})"
    return f"{_n(s['jobs_per_s'])} jobs/s ({s['jobs']:,} jobs, {s['concurrency']} clients)"


def _single(m: Figures) -> str:
    return _submit(m["single_submit"])


def _single_alone(m: Figures) -> str:
    return _submit(m["single_submit_api_alone"])


def _submit(s: Figures) -> str:
    return f"{_n(s['per_s'])} jobs/s, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms" + _errors(s)


def _e2e(m: Figures) -> str:
    e = m["end_to_end"]
    bad = {k: v for k, v in e["statuses"].items() if k != "passed"}
    text = f"{_n(e['jobs_per_s'])} jobs/s ({e['jobs']:,} jobs in {e['seconds']:.1f} s)"
    return text + (f" NOT ALL PASSED: {bad}" if bad else "")


def _pickup(m: Figures) -> str:
    p = m["pickup"]
    return f"p50 {p['p50_ms']} ms, p99 {p['p99_ms']} ms ({p['jobs']} jobs)"


def _read(m: Figures) -> str:
    s = m["status_read"]
    return f"{_n(s['per_s'])} req/s, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms" + _errors(s)


def _rss(m: Figures) -> str:
    rss = m["peak_rss_mib"]
    workers = [v for k, v in rss.items() if k != "scheduler" and not k.startswith("api")]
    api = f"api {rss.get('api', 0):.0f} MiB"
    if "api supervisor" in rss:
        api = (
            f"api ≤ {rss['api']:.0f} MiB (×{rss['api processes']:.0f}; "
            f"their parent {rss['api supervisor']:.0f} MiB)"
        )
    return (
        f"{api}, scheduler {rss.get('scheduler', 0):.0f} MiB, "
        f"worker ≤ {max(workers, default=0):.0f} MiB (×{len(workers)})"
    )


def _cpu(m: Figures) -> str:
    ms = {k: v for k, v in m["end_to_end"]["cpu_ms_per_unit"].items() if not k.startswith("bench")}
    parts = ", ".join(f"{k} {v:.2f}" for k, v in ms.items())
    return f"{sum(ms.values()):.2f} ms per job ({parts})"


def _memory(m: Figures) -> str:
    return f"{m['end_to_end']['redis_mib_per_10k_jobs']:.1f} MiB per 10,000 finished jobs"


def _errors(s: Figures) -> str:
    return f" ERRORS {s['errors']}" if s.get("errors") else ""


ROWS: list[tuple[str, str, Callable[[Figures], str]]] = [
    ("suite submit", "POST /v1/suites, 500 jobs per request, scheduler and workers paused", _suite),
    ("single submit", "POST /v1/jobs, {concurrency} clients, the pipeline running", _single),
    ("single submit, API alone", "the same, scheduler and workers paused", _single_alone),
    ("end to end", "{jobs} jobs, {versions} app versions, first submit → last end", _e2e),
    ("pickup latency", "submit → running, idle workers, one job at a time", _pickup),
    ("status read", "GET /v1/jobs/{{id}}, {concurrency} clients", _read),
    ("CPU per job", "end to end, all services and Redis", _cpu),
    ("peak RSS", "each service process", _rss),
    ("Redis memory", "used_memory growth", _memory),
]


def main_table(result: Figures) -> str:
    modes = result["modes"]
    cfg = result["config"]
    head = ["measure", *modes, "target"]
    lines = [_row(head), _row(["---"] * len(head))]
    for name, how, cell in ROWS:
        label = f"**{name}** ({how.format(**cfg)})"
        lines.append(_row([label, *(cell(m) for m in modes.values()), TARGETS[name]]))
    return "\n".join(lines)


def round_trip_table(rt: Figures) -> str:
    head = [
        "stage",
        f"round trips/job, end to end ({rt['batch']['jobs']:,} jobs, batch submit)",
        "commands/job",
        f"round trips/job, POST /v1/jobs ({rt['single']['jobs']:,} jobs)",
        "idle round trips/s",
    ]
    lines = [_row(head), _row(["---"] * len(head))]
    stages = list(HOT_STAGES) + sorted(
        {
            *rt["batch"]["round_trips"],
            *rt["single"]["round_trips"],
            *rt["idle_per_s"]["round_trips"],
        }
        - set(HOT_STAGES)
    )
    for stage in stages:
        lines.append(
            _row(
                [
                    stage,
                    _f(rt["batch"]["round_trips"].get(stage)),
                    _f(rt["batch"]["commands"].get(stage)),
                    _f(rt["single"]["round_trips"].get(stage)),
                    _f(rt["idle_per_s"]["round_trips"].get(stage)),
                ]
            )
        )
    total = [sum(rt[w]["round_trips"].values()) for w in ("batch", "single", "idle_per_s")]
    commands = sum(rt["batch"]["commands"].values())
    lines.append(_row(["**all**", _f(total[0]), _f(commands), _f(total[1]), _f(total[2])]))
    return "\n".join(lines)


PHASES = {
    "end_to_end": "job",
    "single_submit": "request",
    "single_submit_api_alone": "request",
    "suite_submit": "request of 500 jobs",
    "pickup": "job",
    "status_read": "request",
}


def cpu_table(result: Figures) -> str:
    sides: list[str] = []
    for m in result["modes"].values():
        for phase in PHASES:
            sides += [k for k in m[phase].get("cores", {}) if k not in sides]
    head = ["mode / phase", *sides]
    lines = [_row(head), _row(["---"] * len(head))]
    for mode, m in result["modes"].items():
        for phase, unit in PHASES.items():
            cores, ms = m[phase].get("cores"), m[phase].get("cpu_ms_per_unit")
            if cores and ms:
                cells = [f"{cores.get(x, 0):.2f} · {ms.get(x, 0):.2f} ms" for x in sides]
                lines.append(_row([f"{mode} / {phase.replace('_', ' ')} (per {unit})", *cells]))
    return "\n".join(lines)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3g}" if x < 10 else f"{x:,.1f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(result: Figures) -> str:
    m = result["machine"]
    first = next(iter(result["modes"].values()))
    e2e = first["end_to_end"]
    parts = [
        f"## qgjob pipeline benchmark ({result['date']})",
        "",
        f"Machine: {m['cpus']} × {m['cpu_model']}, {m['memory_gib']} GiB, Python {m['python']}, "
        f"redis-server {m['redis']}; load average {m['load_before'][0]} before, "
        f"{m['load_after'][0]} after (other work shares the machine: figures are noisy). "
        "The services, Redis and the load generator share the cores, unpinned (cores each "
        "side used: last table).",
        "",
        main_table(result),
        "",
        f"End to end submitted through {e2e['submitted_through']}: "
        f"{_n(e2e['submit_jobs_per_s'])} jobs/s while the pipeline ran; every job's state "
        f"checked in its record ({e2e['statuses']}), {e2e['events_per_job']} events per job "
        f"appended; {e2e['redis_reads_per_job']} Redis reads (round trips, all clients, "
        "`INFO total_reads_processed`) per job.",
        "",
        "### Redis round trips per job, by stage",
        "",
        result["round_trips"]["how"] + ".",
        "",
        round_trip_table(result["round_trips"]),
        "",
        f"### CPU per phase: cores used (of {m['cpus']}) · CPU milliseconds per job or request",
        "",
        "CPU time per unit of work is less sensitive than rates to other load on the machine.",
        "",
        cpu_table(result),
    ]
    return "\n".join(parts)
