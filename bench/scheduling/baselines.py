"""The two baselines the benchmark compares qgjob's policy with.

* **naive** — what a plain job queue does: every job is its own unit of work (groups of
  one), installs the app every time, first come first served.
* **group-per-worker** — the simplest grouping, and what qgjob did before this policy:
  groups of up to 50 jobs per (org, app version, target), each taken whole by the next
  free worker in the order the groups formed; no priorities, fairness, splitting or
  affinity (a device still skips an install when it happens to have the version).
"""

from __future__ import annotations

from qgjob_schemas import Assignment, GroupState, Plan, Snapshot


def fifo(snapshot: Snapshot) -> Plan:
    """Oldest waiting group to the next free lane, per target."""
    out: list[Assignment] = []
    for target in sorted({w.target for w in snapshot.workers}):
        lanes = [
            w.id
            for w in sorted(snapshot.workers, key=lambda w: w.id)
            if w.target == target
            for _ in range(w.free)
        ]
        waiting = sorted(
            (
                g
                for g in snapshot.groups
                if g.target == target and g.state is GroupState.OPEN and g.left > 0
            ),
            key=lambda g: (g.waiting_since, int(g.id[1:])),
        )
        out += [Assignment(g.id, lane) for g, lane in zip(waiting, lanes, strict=False)]
    return Plan(assignments=tuple(out))
