"""The planner's free lanes: the lane a group takes, against the rule applied to every free
lane in worker id order."""

from __future__ import annotations

import random
from collections import Counter

from qgjob_scheduler.policy.free_lanes import FreeLanes


def _plain(
    lanes: list[str], versions: dict[str, frozenset[str]], wanted: Counter[str], app: str
) -> str:
    """The first free lane with the version, else the one the waiting need least."""
    cached = [w for w in lanes if app in versions[w]]
    if cached:
        return cached[0]
    return min(lanes, key=lambda w: (sum(wanted[v] for v in versions[w]), w))


def test_the_lane_chosen_is_the_one_the_rule_picks_among_all() -> None:
    rnd = random.Random(3)
    for _ in range(300):
        apps = [f"a{i}" for i in range(6)]
        workers = sorted(f"w{i:02d}" for i in range(rnd.randint(1, 12)))
        versions = {w: frozenset(rnd.sample(apps, rnd.randint(0, 3))) for w in workers}
        free = {w: rnd.choice([0, 1, 1, 2]) for w in workers}
        lanes = [w for w in workers for _ in range(free[w])]
        if not lanes:
            continue
        wanted = Counter({a: rnd.randint(0, 4) for a in apps})
        plain_wanted = Counter(wanted)
        index = FreeLanes(free.items(), versions, wanted)
        while lanes:
            app = rnd.choice(apps)
            lane = index.choose(app)
            assert lane == _plain(lanes, versions, plain_wanted, app)
            gone = index.take(lane)
            lanes.remove(lane)
            assert sorted(gone) == sorted(
                v for v in versions[lane] if not any(v in versions[w] for w in lanes)
            )
            assert bool(index) == bool(lanes)
            if plain_wanted[app] > 0:  # a waiting group of it was given
                plain_wanted[app] -= 1
                index.wanted_less(app)
