"""Scheduling decisions as pure functions of a snapshot: no store, no clock, no I/O.

The scheduler service feeds :func:`plan` a snapshot read from Redis and carries out the
plan; the scheduling benchmark feeds it a simulated snapshot. The same code decides both.

* :mod:`.rules` — the knobs (group size, linger, aging, fair share, preemption, splitting).
* :mod:`.priority` — priority levels with aging.
* :mod:`.fairness` — max-min fair shares of a target's lanes among orgs.
* :mod:`.splitting` — when giving part of a group to another worker finishes it sooner.
* :mod:`.planner` — which waiting group (or split) each free lane takes, and which running
  groups to preempt.
"""

from qgjob_scheduler.policy.fairness import fair_shares
from qgjob_scheduler.policy.planner import plan
from qgjob_scheduler.policy.priority import band, waiting_band
from qgjob_scheduler.policy.rules import Rules, eligible, lingering_until
from qgjob_scheduler.policy.splitting import Split, best_split

__all__ = [
    "Rules",
    "Split",
    "band",
    "best_split",
    "eligible",
    "fair_shares",
    "lingering_until",
    "plan",
    "waiting_band",
]
