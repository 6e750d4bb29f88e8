"""Max-min fair shares of a target's lanes among orgs.

Each org with work for the target gets an equal share of its lanes, except that an org
that needs less than an equal share gets what it needs and the rest is shared among the
others (water filling). One org's 5,000-test suite then holds half the lanes when a second
org has work, not all of them.
"""

from __future__ import annotations

from collections.abc import Mapping


def fair_shares(lanes: float, demands: Mapping[str, float]) -> dict[str, float]:
    """Lanes each org is entitled to, given how many lanes each could use."""
    shares: dict[str, float] = {}
    left = float(lanes)
    waiting = sorted((d, org) for org, d in demands.items() if d > 0)
    while waiting:
        each = left / len(waiting)
        need, org = waiting[0]
        if need > each:
            shares.update({o: each for _, o in waiting})
            break
        shares[org] = need
        left -= need
        waiting.pop(0)
    return shares
