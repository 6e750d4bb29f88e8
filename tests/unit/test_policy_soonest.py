"""The planner's index of lanes on their way back, against a plain scan of every lane."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from qgjob_scheduler.policy.soonest import Soonest


@dataclass
class Lane:
    boundary: float
    worker: str
    gid: str


def _plain(
    lanes: list[Lane],
    gone: set[int],
    app: str,
    versions: dict[str, frozenset[str]],
    install: float,
    by_gid: bool,
) -> Lane | None:
    """The lane a scan of every one picks: the earliest start, then the lowest tiebreak."""
    best: tuple[tuple[float, int | str, int], Lane] | None = None
    for i, u in enumerate(lanes):
        if id(u) in gone:
            continue
        at = u.boundary + (0.0 if app in versions[u.worker] else install)
        key = (at, u.gid if by_gid else i, i)
        if best is None or key < best[0]:
            best = (key, u)
    return None if best is None else best[1]


@pytest.mark.parametrize("by_gid", [False, True])
def test_soonest_agrees_with_a_scan_of_every_lane(by_gid: bool) -> None:
    rnd = random.Random(7)
    for _ in range(300):
        apps = [f"a{i}" for i in range(4)]
        versions = {f"w{i}": frozenset(rnd.sample(apps, rnd.randint(0, 3))) for i in range(8)}
        lanes = [
            Lane(
                rnd.choice([0.0, 1.0, 2.5, rnd.uniform(0, 9)]),
                rnd.choice(list(versions)),
                f"g{rnd.randint(0, 30)}",
            )
            for _ in range(rnd.randint(0, 25))
        ]
        install = rnd.choice([0.0, 1.0, 5.0])
        index = Soonest(
            lanes, (lambda i, u: u.gid) if by_gid else (lambda i, u: i), versions, install
        )
        gone: set[int] = set()
        for _ in range(len(lanes) + 1):
            app = rnd.choice(apps)
            found = index.soonest(app)
            expected = _plain(lanes, gone, app, versions, install, by_gid)
            assert (found[2] if found else None) is expected
            assert bool(index) == (expected is not None)
            if expected is None:
                break
            index.remove(expected)
            gone.add(id(expected))
