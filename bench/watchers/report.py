"""The run as Markdown: one row of figures, the target line, and how it was measured."""

from __future__ import annotations

from typing import Any

HEADER = (
    "| watchers | jobs/s finished | frames delivered | delay p50 / p99 / max (ms) "
    "| API CPU per frame | API CPU % of one core | missed | duplicated |"
)


def render(result: dict[str, Any]) -> str:
    r = result
    d = r["delay_ms"]["terminal"]
    every = r["delay_ms"]["every_frame"]
    per_frame = r["api_cpu_us_per_frame"]
    row = (
        f"| {r['watchers']:,} | {r['jobs_finished_per_s']:,.1f} | {r['frames_delivered']:,} "
        f"| {d['p50']} / {d['p99']} / {d['max']} "
        f"| {'n/a' if per_frame is None else f'{per_frame:,.1f} µs'} "
        f"| {r['api_cpu_pct_of_core']} % | {r['missed']:,} | {r['duplicated']:,} |"
    )
    target = r["target"]
    verdict = "**met**" if target["met"] else "**missed**"
    cfg = r["config"]
    m = r["machine"]
    o = r["stream_open_ms"]
    cores = ", ".join(f"{k} {v}" for k, v in r["cores"].items())
    lines = [
        HEADER,
        "| " + " | ".join(["---"] * 8) + " |",
        row,
        "",
        f"- target: terminal event's delivery delay p99 ≤ {target['p99_ms']:g} ms: {verdict} "
        f"({d['p99']} ms)",
        f"- delay: {r['delay_ms']['measured_from']}; terminal frames "
        f"({r['terminal_frames']:,} in the window); every frame p50 / p99 / max "
        f"{every['p50']} / {every['p99']} / {every['max']} ms",
        f"- window {r['window_s']:g} s; suites followed at once: min {r['following']['min']:,}"
        f", mean {r['following']['mean']:,}; {r['suites_followed']:,} suites of "
        f"{cfg['jobs_per_suite']} jobs in all; simulated test {cfg['test_ms']} ms, "
        f"{cfg['capacity']} lanes per worker, pace {float(cfg['jobs_per_s']):g} jobs/s",
        f"- checked against the store: {r['events_expected']:,} events expected as frames "
        f"(of {r['events_stored']:,} stored), missed {r['missed']:,}, duplicated "
        f"{r['duplicated']:,}, not the suite's {r['foreign']:,}; reconnects "
        f"{r['reconnects']:,} (after a 502/503/504: {r['unavailable']:,}); suites not "
        f"followed to their end {r['unfinished_suites']:,}; "
        f"suites already finished when their stream opened {r['came_late']:,}; streams "
        f"that ended with terminal events only in their snapshot, the suite read then "
        f"(as the CLI does) {r['read_to_end']:,}",
        f"- stream opened (suite submitted → snapshot frame in) p50 / p99 / max "
        f"{o['p50']} / {o['p99']} / {o['max']} ms",
        f"- cores used in the window: {cores}",
        f"- load generator: {r['load_generator']}",
        f"- machine: {m['cpus']} cores, {m['cpu_model']}; load average before "
        f"{m['load_before']}, at the window's start {r['load_average']['at_window_start']}"
        f", at its end {r['load_average']['at_window_end']}, after {m['load_after']}",
    ]
    return "\n".join(lines)
