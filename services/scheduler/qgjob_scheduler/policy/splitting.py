"""When to give part of a group to another worker, and how much.

A group's holder has ``left`` jobs to run, ``work`` seconds of them (learned durations),
and can start on them after ``overhead`` seconds (its own install, or the test running
now). A free worker would first spend ``install`` seconds (0 when the version is already
installed there). Giving it ``x`` seconds of the work ends the group at
``max(overhead + work - x, install + x)``, best at ``x = (overhead + work - install) / 2``:
the group ends ``gain`` seconds sooner.

The split has to pay for its install: the group ends ``gain`` sooner, but its jobs on
average only about half of that, while the install takes ``install`` seconds of device
time from everything else. So a group is split only when ``gain > INSTALL_WEIGHT x
install``: a large group is split across idle workers, a small one is not, and a worker
that already has the version (no install) takes a part whenever that ends the group sooner.
"""

from __future__ import annotations

from dataclasses import dataclass

INSTALL_WEIGHT = 2.0


@dataclass(frozen=True)
class Split:
    take: int
    """Jobs the free worker takes (from the group's tail)."""
    work: float
    """Their expected seconds."""
    gain: float
    """How much sooner the group ends."""


def best_split(left: int, work: float, overhead: float, install: float) -> Split | None:
    if left < 2:
        return None
    per_job = work / left if work > 0 else 0.0
    share = (overhead + work - install) / 2
    if share <= 0 or per_job <= 0:
        return None
    take = min(left - 1, max(1, round(share / per_job)))
    moved = take * per_job
    gain = overhead + work - max(overhead + work - moved, install + moved)
    if gain <= 0 or gain <= INSTALL_WEIGHT * install:
        return None
    return Split(take=take, work=moved, gain=gain)
