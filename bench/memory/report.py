"""The figures of a run as Markdown tables (paste them as they are)."""

from __future__ import annotations

from typing import Any

from bench.memory.classify import describe

OVERHEAD_NOTES = {
    "keyspace buckets": "the keyspace table's bucket array (8 B a slot, doubling)",
    "expires table": "the TTL table: an entry and a bucket per key with a TTL",
    "clients": "client buffers (the services' connections; not kept data)",
    "script cache": "scripts loaded since the start (a fixed cost)",
    "slow log": "arguments of the slow commands logged (slowlog-max-len, a fixed cost)",
}


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f} %"


def kinds_table(acc: dict[str, Any], jobs: int) -> list[str]:
    """Bytes are growth over the run: MEMORY USAGE (its estimate), and what deleting the
    kind freed by the allocator's count (less what the kind held before the run); the
    per-job figure and the share are of the latter."""
    growth = acc["growth"]
    lines = [
        "| key kind | keys | MEMORY USAGE (growth) | freed by DEL (growth) "
        "| bytes per finished job | share |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in acc["kinds"]:
        if r["bytes"] == 0 and r["new_keys"] == 0 and r.get("freed_growth", 0) == 0:
            continue
        sampled = f" (measured {r['measured']:,})" if r["measured"] < r["keys"] else ""
        lines.append(
            f"| {r['kind']}: {describe(r['kind'])} | {r['keys']:,}{sampled} | {_n(r['bytes'])} "
            f"| {_n(r.get('freed_growth', 0))} | {r.get('freed_per_job', 0):,.1f} "
            f"| {_pct(r.get('freed_share', 0))} |"
        )
    lines.append(
        f"| **all keys** | {acc['keys_after']:,} | {_n(acc['keys_sum'])} "
        f"| {_n(acc.get('freed_sum', 0))} | **{acc.get('freed_sum_per_job', 0):,.1f}** "
        f"| {_pct(acc.get('freed_sum', 0) / growth if growth else 0)} |"
    )
    for o in acc["overheads"]:
        lines.append(
            f"| {o['kind']}: {OVERHEAD_NOTES.get(o['kind'], '')} |  |  | {_n(o['bytes'])} "
            f"| {o['bytes'] / jobs:,.1f} | {_pct(o['share'])} |"
        )
    left = acc.get("freed_residual", 0)
    lines.append(
        f"| left unaccounted |  |  | {_n(left)} | {left / jobs:,.1f} "
        f"| {_pct(left / growth if growth else 0)} |"
    )
    lines.append(
        f"| **used_memory growth** | +{acc['keys_after'] - acc['keys_before']:,} keys |  "
        f"| {_n(growth)} | **{acc['growth_per_job']:,.1f}** | 100.0 % |"
    )
    return lines


def fields_table(result: dict[str, Any]) -> list[str]:
    fields = result["fields"]["fields"]
    cost = result["experiments"]["fields"]
    lines = [
        "| field | present | name bytes | value bytes (mean) | empty | bytes per job (record "
        "copied without it) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in sorted(fields, key=lambda f: -cost.get(f, 0.0)):
        f = fields[name]
        lines.append(
            f"| {name} | {_pct(f['present'])} | {f['name_bytes']:g} | {f['value_bytes']:g} "
            f"| {_pct(f['empty'])} | {cost.get(name, 0.0):,.1f} |"
        )
    return lines


def candidates_table(result: dict[str, Any]) -> list[str]:
    exp = result["experiments"]
    jobs = result["jobs"]
    lines = [
        "| candidate | measured on | bytes per job | saving per job |",
        "| --- | --- | --- | --- |",
    ]
    for r in exp["records"]:
        lines.append(
            f"| {r['candidate']} | {r['records']:,} job records copied | "
            f"{r['bytes_per_job']:,.1f} | {r['saving_per_job']:,.1f} |"
        )
    for r in exp["streams"]:
        label = ", ".join(f"{k} {v}" for k, v in r["settings"].items()) or "default node sizes"
        lines.append(
            f"| events streams (shared and per org): {label} | the streams rebuilt entry by "
            f"entry | {r['bytes'] / jobs:,.1f} | {r['saving'] / jobs:,.1f} |"
        )
    freed = {r["kind"]: r for r in result["accounting"]["kinds"]}
    for kind, d in exp["drops"].items():
        live = freed.get(kind, {}).get("freed_per_job", 0.0)
        lines.append(
            f"| one copy fewer: no {kind} ({describe(kind)}) | its {d['keys']:,} keys: "
            f"freed by DEL on the bench's data (restored alone in the scratch server: "
            f"{d['saving_per_job']:,.1f}) | 0 | {live:,.1f} |"
        )
    e = exp["job_events_in_record"]
    if e:
        lines.append(
            f"| job events ids as a field of the job record, not a list | {e['records']:,} "
            f"records with the field, against their lists | {e['field_per_job']:,.1f} "
            f"| {e['saving_per_job']:,.1f} |"
        )
    return lines


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    acc = result["accounting"]
    jobs = result["jobs"]
    pk = acc["per_key"]
    out = [
        f"Run {result['run_id']}: {jobs:,} finished jobs ({result['submitted_through']}); "
        f"{m['cpus']} × {m['cpu_model']}, Redis {m['redis']}, Python {m['python']}; "
        f"load average before {m['load_before']}, after {m.get('load_after')}.",
        "",
        "### Redis memory per finished job, by key kind",
        "",
        *kinds_table(acc, jobs),
        "",
        f"Keyspace at the end: {pk['keys']:,} keys; MEMORY STATS keys.bytes-per-key "
        f"{pk['bytes_per_key_stats']:,.0f}; overhead.hashtable.main {pk['main_table_per_key']:g} "
        f"B per key, of which {pk['buckets_per_key']:g} B bucket array (the rest, a dict entry "
        "and an object header, is in each key's MEMORY USAGE). MEMORY USAGE left "
        f"{acc['residual']:,} bytes ({acc['residual_per_job']:,.1f} per job) of the growth "
        "uncounted (streams: it counts a node's used bytes, not its allocation). "
        f"Unclassified keys: {acc['unclassified']}.",
        "",
        "Keys without a TTL at the end, by kind (the rest expire by retention): "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(result.get("without_ttl", {}).items()) if v)
        + ".",
        "",
        f"Latency histograms (Redis 7's `latency-tracking yes`, one per command name used): "
        f"{result['latency_histograms']['bytes']:,} bytes for the "
        f"{result['latency_histograms']['commands']} commands the startup used, a fixed cost; "
        "turned off for the measured run so that a command's first use does not show as growth.",
        "",
        f"### The job record field by field ({result['fields']['records']} records, encodings "
        f"{result['fields']['encodings']})",
        "",
        *fields_table(result),
        "",
        "### Candidate reductions, measured on copies in a scratch redis-server",
        "",
        *candidates_table(result),
    ]
    return "\n".join(out)
