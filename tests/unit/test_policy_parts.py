"""The policy's parts: priority bands with aging, fair shares, when a split pays, and the
learned-duration rule."""

from __future__ import annotations

import pytest

from qgjob_scheduler.durations import Durations, ewma
from qgjob_scheduler.policy import (
    Rules,
    band,
    best_split,
    eligible,
    fair_shares,
    lingering_until,
    waiting_band,
)
from qgjob_scheduler.policy.splitting import split_behind_test
from qgjob_schemas import Priority, Snapshot
from tests.support.snapshots import NOW, waiting


def test_waiting_raises_the_band_one_level_per_aging_period() -> None:
    assert band(Priority.LOW.rank, 0, 300) == 0
    assert band(Priority.LOW.rank, 299, 300) == 0
    assert band(Priority.LOW.rank, 900, 300) == 3  # ranks with fresh urgent work
    assert band(Priority.LOW.rank, 1200, 300) == 4  # and then ahead of it
    assert band(Priority.NORMAL.rank, 10_000, 0) == 1  # aging off
    old_low = waiting("g1", priority=Priority.LOW, waited=1200)
    assert waiting_band(old_low, NOW, 300) > waiting_band(
        waiting("g2", priority=Priority.URGENT), NOW, 300
    )


def test_a_group_may_go_at_once_or_after_its_linger_time() -> None:
    young = waiting("g1", jobs=3, waited=0.1)
    assert eligible(young, NOW, Rules())
    lingering = Rules(dispatch_on_idle=False, linger_s=1.0, max_size=10)
    assert not eligible(young, NOW, lingering)
    assert eligible(waiting("g2", jobs=3, waited=1.0), NOW, lingering)
    assert eligible(waiting("g3", jobs=10, waited=0.0), NOW, lingering)  # full


def test_the_scheduler_plans_again_when_the_first_lingering_group_may_go() -> None:
    groups = (waiting("g1", jobs=3, waited=0.25), waiting("g2", jobs=3, waited=0.75))
    snap = Snapshot(now=NOW, groups=groups)
    lingering = Rules(dispatch_on_idle=False, linger_s=1.0, max_size=10)
    assert lingering_until(snap, lingering) == pytest.approx(NOW + 0.25)
    assert lingering_until(snap, Rules()) == float("inf")  # dispatch on idle: none lingers
    gone = Snapshot(now=NOW + 1, groups=groups)
    assert lingering_until(gone, lingering) == float("inf")  # both may go


def test_fair_shares_split_lanes_equally_unless_an_org_needs_less() -> None:
    assert fair_shares(6, {"a": 3000, "b": 20}) == {"a": 3.0, "b": 3.0}
    assert fair_shares(6, {"a": 3000, "b": 1}) == {"a": 5.0, "b": 1.0}
    assert fair_shares(6, {"a": 3000, "b": 2, "c": 9}) == {"a": 2.0, "b": 2.0, "c": 2.0}
    assert fair_shares(6, {"a": 1, "b": 2}) == {"a": 1.0, "b": 2.0}
    assert fair_shares(6, {}) == {}


def test_a_large_group_is_split_and_a_small_one_is_not() -> None:
    big = best_split(left=40, work=40 * 30.0, overhead=0.0, install=60.0)
    assert big is not None
    assert 17 <= big.take <= 20  # about half, less what the install costs the new worker
    assert big.gain > 2 * 60
    assert best_split(left=2, work=60.0, overhead=60.0, install=60.0) is None
    assert best_split(left=1, work=30.0, overhead=0.0, install=0.0) is None


def test_a_worker_that_has_the_version_takes_a_part_whenever_it_helps() -> None:
    cached = best_split(left=2, work=60.0, overhead=0.0, install=0.0)
    assert cached is not None and cached.take == 1 and cached.gain == pytest.approx(30.0)
    assert best_split(left=4, work=120.0, overhead=0.0, install=60.0) is None


def test_a_lane_of_the_holder_takes_even_the_last_job_behind_its_running_test() -> None:
    assert best_split(left=1, work=30.0, overhead=20.0, install=0.0) is None  # another worker
    within = split_behind_test(left=1, work=30.0, ends_in=20.0)
    assert within is not None and (within.take, within.gain) == (1, 20.0)
    past = split_behind_test(left=1, work=30.0, ends_in=-50.0)  # overran its estimate by 50 s
    assert past is not None and (past.take, past.gain) == (1, 30.0)
    both = split_behind_test(left=2, work=60.0, ends_in=120.0)  # a long test: all of them move
    assert both is not None and both.take == 2
    assert split_behind_test(left=1, work=30.0, ends_in=0.0) is None  # it ends now: no gain
    assert split_behind_test(left=0, work=0.0, ends_in=20.0) is None


def test_learned_durations_follow_a_moving_average_with_defaults() -> None:
    assert ewma(None, 10.0, 0.3) == 10.0
    assert ewma(10.0, 20.0, 0.3) == pytest.approx(13.0)
    d = Durations(alpha=0.5, default_test_s=60.0, default_install_s=45.0)
    assert d.estimate("o", "emulator", "t.js") == 60.0
    assert d.install("emulator") == 45.0
    d.learn_test("o", "emulator", "t.js", 10.0)
    d.learn_test("o", "emulator", "t.js", 20.0)
    d.learn_install("emulator", 30.0)
    assert d.estimate("o", "emulator", "t.js") == pytest.approx(15.0)
    assert d.estimate("other-org", "emulator", "t.js") == 60.0  # per (org, path, target)
    assert d.install("emulator") == 30.0
