"""The policy's knobs, and when a waiting group may be dispatched at all."""

from __future__ import annotations

from dataclasses import dataclass

from qgjob_schemas import GroupState, GroupView, Snapshot


@dataclass(frozen=True)
class Rules:
    max_size: int = 50
    """A group holds at most this many jobs; a full group may go at once."""
    linger_s: float = 0.5
    """Without ``dispatch_on_idle``, how long a group waits for more jobs."""
    dispatch_on_idle: bool = True
    """A free lane takes a waiting group at once (no linger)."""
    aging_s: float = 300.0
    """A waiting group rises one priority level per this many seconds (0: no aging)."""
    fair_share: bool = True
    """Share each target's lanes among the orgs that have work for it."""
    preempt: bool = True
    """Take a lane back at a test boundary for more urgent or fairer work."""
    split: bool = True
    """Give part of a group to another worker when that finishes it sooner."""


def eligible(group: GroupView, now: float, rules: Rules) -> bool:
    """Whether a waiting group may be dispatched now: always with ``dispatch_on_idle``,
    else once full or once it has lingered."""
    return (
        rules.dispatch_on_idle
        or group.size >= rules.max_size
        or now - group.waiting_since >= rules.linger_s
    )


def lingering_until(snapshot: Snapshot, rules: Rules) -> float:
    """When the first waiting group that may not go yet may (inf: none lingers)."""
    if rules.dispatch_on_idle:
        return float("inf")
    return min(
        (
            g.waiting_since + rules.linger_s
            for g in snapshot.groups
            if g.state is GroupState.OPEN and not eligible(g, snapshot.now, rules)
        ),
        default=float("inf"),
    )
