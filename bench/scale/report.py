"""The Markdown of a scale run: one row per size (the curve), the worst scripts per size,
and each target with met or missed and its figure."""

from __future__ import annotations

from typing import Any

from bench.scale.config import ScaleConfig

SCRIPT_MAX_MS = 5.0
DISPATCH_MIN = 1000.0
IDLE_CPU_MAX = 20.0
PASS_GROWTH_MAX = 2.0
"""A pass's cost follows what changed when the idle pass at the largest size costs at most
this many times the idle pass at the smallest (with nothing changed, it should not grow)."""

HEADER = (
    "| workers | waiting jobs (app versions) | longest call (command) | worst script p99 "
    "| pass p50 / p99 / max, drain (ms) | pass p50, idle (ms) "
    "| dispatch, burst / later passes / taken by workers (groups/s) "
    "| idle Redis CPU | idle control plane CPU | idle round trips/s (reads/s) "
    "| pickup p99 (ms) | heartbeat lag p99 (ms) |"
)


def scripts(size: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {k: v for k, v in size["commands"]["all"].items() if k.startswith("script:")}


def _longest(size: dict[str, Any]) -> tuple[str, float]:
    cmds = size["commands"]["all"]
    name = max(cmds, key=lambda k: cmds[k]["max_ms"])
    return name, cmds[name]["max_ms"]


def _worst_p99(size: dict[str, Any]) -> tuple[str, float]:
    s = scripts(size)
    name = max(s, key=lambda k: s[k]["p99_ms"])
    return name.removeprefix("script:"), s[name]["p99_ms"]


def row(size: dict[str, Any]) -> str:
    if "error" in size:
        return f"| {size['workers']:,} | {size['jobs']:,} | not measured: {size['error']} |"
    d, idle, pick = size["drain"], size["idle"], size["pickup"]
    longest, longest_ms = _longest(size)
    worst, worst_ms = _worst_p99(size)
    p = d["passes"]
    cells = [
        f"{size['workers']:,}",
        f"{size['jobs']:,} ({size['versions']:,})",
        f"{longest_ms:.2f} ms ({longest.removeprefix('script:')})",
        f"{worst_ms:.2f} ms ({worst})",
        f"{p['p50_ms']:.2f} / {p['p99_ms']:.2f} / {p['max_ms']:.2f}",
        f"{idle['passes']['p50_ms']:.2f}",
        _dispatch_cell(d),
        f"{idle['cpu_pct_of_core']['redis']:.1f} %",
        f"{idle['control_plane_cpu_pct']:.1f} %",
        f"{idle['commands_per_s']:,} ({idle['reads_per_s']:,})",
        f"{pick['p99_ms']:.1f}",
        f"{idle['beat_lag']['p99_ms']:.0f} idle, {d['beat_lag']['p99_ms']:.0f} drain",
    ]
    return "| " + " | ".join(cells) + " |"


def _rates(drain: dict[str, Any]) -> tuple[float, float, float]:
    """Groups/s: the scheduler's first giving pass, its later passes, and the workers'
    take-up over the drain (runs saved before the scheduler's rates were kept have 0)."""
    sched = drain.get("scheduler", {})
    return (
        float(sched.get("burst_groups_per_s", 0.0)),
        float(sched.get("passes_groups_per_s", 0.0)),
        float(drain["dispatch_groups_per_s"]),
    )


def _dispatch_cell(drain: dict[str, Any]) -> str:
    burst, later, taken = _rates(drain)
    return f"{burst:,.0f} / {later:,.0f} / {taken:,.0f}"


def worst_scripts(size: dict[str, Any], n: int) -> list[str]:
    if "error" in size:
        return []
    s = scripts(size)
    by_p99 = sorted(s, key=lambda k: -s[k]["p99_ms"])[:n]
    by_max = sorted(s, key=lambda k: -s[k]["max_ms"])[:n]

    def fmt(k: str) -> str:
        v = s[k]
        return (
            f"{k.removeprefix('script:')} p99 {v['p99_ms']:.2f} max {v['max_ms']:.2f} "
            f"({v['calls']:,} calls)"
        )

    return [
        f"- {size['workers']:,} workers, by p99: " + "; ".join(fmt(k) for k in by_p99),
        f"- {size['workers']:,} workers, by max: " + "; ".join(fmt(k) for k in by_max),
    ]


def targets(result: dict[str, Any]) -> list[str]:
    failed = [
        f"- {s['workers']:,} workers: not measured, so every target there is **missed** "
        f"({s['error']})"
        for s in result["sizes"]
        if "error" in s
    ]
    sizes = [s for s in result["sizes"] if "error" not in s]
    if not sizes:
        return failed
    big, small = sizes[-1], sizes[0]
    longest = max(scripts(big).items(), key=lambda kv: kv[1]["max_ms"])
    idle_big, idle_small = big["idle"]["passes"]["p50_ms"], small["idle"]["passes"]["p50_ms"]
    growth = idle_big / idle_small if idle_small else float("inf")
    burst, later, taken = _rates(big["drain"])
    sched = big["drain"].get("scheduler", {})
    cpu = big["idle"]["control_plane_cpu_pct"]
    at = f"at {big['workers']:,} workers and {big['jobs']:,} waiting jobs"

    def verdict(ok: bool) -> str:
        return "met" if ok else "missed"

    return [
        *failed,
        f"- no script call over {SCRIPT_MAX_MS:g} ms {at}: "
        f"**{verdict(longest[1]['max_ms'] <= SCRIPT_MAX_MS)}** (longest: "
        f"{longest[0].removeprefix('script:')}, {longest[1]['max_ms']:.2f} ms)",
        f"- a pass's cost grows with what changed, not with everything there is: "
        f"**{verdict(growth <= PASS_GROWTH_MAX)}** (idle pass, nothing changed, p50 "
        f"{idle_small:.2f} ms at {small['workers']:,} workers, {idle_big:.2f} ms at "
        f"{big['workers']:,}: x{growth:.1f}; met at x{PASS_GROWTH_MAX:g} or less)",
        f"- dispatch >= {DISPATCH_MIN:,.0f} groups/s {at}, every lane free at once (the "
        f"scheduler's first giving pass): **{verdict(burst >= DISPATCH_MIN)}** "
        f"({burst:,.0f} groups/s: {sched.get('burst_given', 0):,} groups in "
        f"{sched.get('burst_ms', 0.0):,.0f} ms)",
        f"- dispatch >= {DISPATCH_MIN:,.0f} groups/s {at}, while lanes keep coming free: "
        f"**{verdict(taken >= DISPATCH_MIN)}** ({taken:,.0f} groups/s taken up by workers over "
        f"the drain; the scheduler's later passes gave {later:,.0f} per second of pass, "
        f"{sched.get('passes_ms', 0.0) / 1000:,.1f} s of passes in a "
        f"{big['drain']['seconds']:,.1f} s drain)",
        f"- idle control plane <= {IDLE_CPU_MAX:g} % of one core {at}: "
        f"**{verdict(cpu <= IDLE_CPU_MAX)}** ({cpu:.1f} %: Redis "
        f"{big['idle']['cpu_pct_of_core']['redis']:.1f}, scheduler "
        f"{big['idle']['cpu_pct_of_core']['scheduler']:.1f}, API "
        f"{big['idle']['cpu_pct_of_core']['api']:.1f})",
    ]


def render(result: dict[str, Any], config: ScaleConfig) -> str:
    m = result["machine"]
    lines = [
        "## Control plane at scale",
        "",
        f"{m['cpus']} CPUs ({m['cpu_model']}), Redis {m['redis']}, Python {m['python']}; "
        f"load average before {m['load_before']}, after {m['load_after']}; "
        f"simulated test {config.test_s:g} s, install {config.install_s:g} s",
        "",
        HEADER,
        "|" + "---|" * HEADER.count(" | ") + "---|",
        *(row(s) for s in result["sizes"]),
        "",
        "Worst scripts (ms, all phases):",
        "",
        *(line for s in result["sizes"] for line in worst_scripts(s, config.worst)),
        "",
        "Targets:",
        "",
        *targets(result),
    ]
    return "\n".join(lines)
