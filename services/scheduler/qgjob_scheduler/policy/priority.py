"""Priority levels with aging: waiting raises a group's level, so no priority starves.

A waiting group's *band* is ``rank + waited / aging_s`` rounded down (low 0, normal 1,
high 2, urgent 3): a ``low`` group that has waited ``3 * aging_s`` ranks with fresh
``urgent`` work (the priority breaks the tie), and after ``4 * aging_s`` ahead of it. The
band orders waiting groups for free workers; preemption compares plain priorities.
"""

from __future__ import annotations

import math

from qgjob_schemas import GroupView


def band(rank: int, waited_s: float, aging_s: float) -> int:
    if aging_s <= 0:
        return rank
    return rank + math.floor(max(0.0, waited_s) / aging_s)


def waiting_band(group: GroupView, now: float, aging_s: float) -> int:
    return band(group.priority.rank, now - group.waiting_since, aging_s)
