"""Dispatch decisions as pure functions of a snapshot: no Redis in here."""

from __future__ import annotations

from dataclasses import dataclass

from qgjob_schemas import OpenGroup, Snapshot


@dataclass(frozen=True)
class DispatchRules:
    max_size: int
    linger_s: float
    dispatch_on_idle: bool = True


def _order(group: OpenGroup) -> tuple[int, float]:
    return (-group.priority.rank, group.created_at)


def ready_groups(snapshot: Snapshot, rules: DispatchRules) -> list[str]:
    """Groups to dispatch now, in dispatch order.

    A group goes when it is full, when it has lingered long enough, or — with
    ``dispatch_on_idle`` — when a worker of its target is idle and not already promised
    another group. Higher priority and older groups take idle workers first.
    """
    free = {
        t: max(0, load.idle_workers - load.waiting_groups) for t, load in snapshot.targets.items()
    }
    out: list[str] = []
    for group in sorted(snapshot.groups, key=_order):
        full = group.size >= rules.max_size
        lingered = snapshot.now - group.created_at >= rules.linger_s
        if rules.dispatch_on_idle and free.get(group.target, 0) > 0:
            free[group.target] -= 1
            out.append(group.id)
        elif full or lingered:
            out.append(group.id)
    return out
