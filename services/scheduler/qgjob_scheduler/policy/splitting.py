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

The holder keeps ``keep`` of the jobs left: one when the part goes to another worker, none
when it goes to a free lane of the holder's own worker while the holder runs one of the
group's tests (:func:`split_behind_test`): the last job behind a long test moves too.
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


def best_split(
    left: int, work: float, overhead: float, install: float, keep: int = 1
) -> Split | None:
    if left - keep < 1:
        return None
    per_job = work / left if work > 0 else 0.0
    share = (overhead + work - install) / 2
    if share <= 0 or per_job <= 0:
        return None
    take = min(left - keep, max(1, round(share / per_job)))
    moved = take * per_job
    gain = overhead + work - max(overhead + work - moved, install + moved)
    if gain <= 0 or gain <= INSTALL_WEIGHT * install:
        return None
    return Split(take=take, work=moved, gain=gain)


def split_behind_test(left: int, work: float, ends_in: float) -> Split | None:
    """The jobs behind a running test that a free lane of the same worker takes: the
    version is installed there, so moving costs nothing and the holder need keep none (the
    test under way is its own). A test past its estimate (``ends_in`` < 0) is expected to
    run on for as long as it has overrun so far, not to end now: the jobs behind a hung
    test move too."""
    return best_split(left, work, abs(ends_in), 0.0, keep=0)
