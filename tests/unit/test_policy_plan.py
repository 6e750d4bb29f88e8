"""The planner: which waiting group (or split) each free worker takes, and which running
groups give their worker back."""

from __future__ import annotations

import pytest

from qgjob_scheduler.policy import Rules, plan
from qgjob_schemas import Assignment, Priority
from tests.support.snapshots import running, snapshot, waiting, worker

RULES = Rules()


def whole(p_assignments: tuple[Assignment, ...]) -> set[tuple[str, str]]:
    return {(a.group_id, a.worker_id) for a in p_assignments if a.take is None}


def test_urgent_work_takes_a_free_worker_first() -> None:
    s = snapshot(
        [worker("w1")],
        [waiting("old", waited=120), waiting("hot", "H", priority=Priority.URGENT)],
    )
    assert plan(s, RULES).assignments == (Assignment("hot", "w1"),)


def test_a_long_wait_outranks_priority_so_nothing_starves() -> None:
    s = snapshot(
        [worker("w1")],
        [
            waiting("low", priority=Priority.LOW, waited=1300),
            waiting("hot", "H", priority=Priority.URGENT),
        ],
    )
    assert plan(s, Rules(aging_s=300)).assignments == (Assignment("low", "w1"),)
    assert plan(s, Rules(aging_s=600)).assignments == (Assignment("hot", "w1"),)


def test_a_group_goes_to_a_worker_that_has_its_version() -> None:
    s = snapshot(
        [worker("w1", "B"), worker("w2", "A"), worker("w3")],
        [waiting("ga", "A", waited=10), waiting("gb", "B", waited=5)],
    )
    assert whole(plan(s, RULES).assignments) == {("ga", "w2"), ("gb", "w1")}


def test_affinity_beats_age_within_a_priority() -> None:
    s = snapshot([worker("w1", "B")], [waiting("ga", "A", waited=100), waiting("gb", "B")])
    assert plan(s, RULES).assignments == (Assignment("gb", "w1"),)


def test_an_uncached_group_avoids_a_worker_whose_versions_others_need() -> None:
    s = snapshot(
        [worker("w1", "C"), worker("w2", "Z")],
        [waiting("ga", "A", waited=10)],
    )
    s2 = snapshot(
        [worker("w1", "C"), worker("w2", "Z")],
        [waiting("ga", "A", waited=10), waiting("gc", "C", org="other", waited=1)],
    )
    assert plan(s, Rules(split=False)).assignments == (Assignment("ga", "w1"),)
    assert whole(plan(s2, Rules(split=False)).assignments) == {("ga", "w2"), ("gc", "w1")}


def test_first_groups_spread_over_app_versions() -> None:
    groups = [waiting(f"a{i}", "A") for i in range(5)] + [waiting(f"b{i}", "B") for i in range(5)]
    s = snapshot([worker(f"w{i}") for i in range(4)], groups)
    apps = [g[0][0] for g in whole(plan(s, RULES).assignments)]
    assert sorted(apps) == ["a", "a", "b", "b"]


def test_a_free_worker_goes_to_the_org_below_its_fair_share() -> None:
    s = snapshot(
        [worker("w1", groups=("r1",)), worker("w2", groups=("r2",)), worker("w3")],
        [
            running("r1", "w1", org="big"),
            running("r2", "w2", org="big"),
            waiting("big3", org="big", waited=500),
            waiting("small", "S", org="small", jobs=3),
        ],
    )
    assert plan(s, RULES).assignments == (Assignment("small", "w3"),)
    assert plan(s, Rules(fair_share=False)).assignments == (Assignment("big3", "w3"),)


def test_a_large_group_is_split_over_idle_workers() -> None:
    s = snapshot([worker("w1"), worker("w2"), worker("w3")], [waiting("g", jobs=40)])
    p = plan(s, RULES)
    assert p.assignments[0] == Assignment("g", "w1")
    parts = [a for a in p.assignments if a.take is not None]
    assert {a.worker_id for a in parts} == {"w2", "w3"}
    assert all(a.group_id == "g" and a.take >= 5 for a in parts)


def test_a_small_group_is_not_split() -> None:
    s = snapshot([worker("w1"), worker("w2")], [waiting("g", jobs=2)])
    assert plan(s, RULES).assignments == (Assignment("g", "w1"),)
    assert plan(s, Rules(split=False)).assignments == (Assignment("g", "w1"),)


def test_an_idle_worker_takes_half_of_a_running_group_it_has_the_version_of() -> None:
    s = snapshot(
        [worker("w1", "A", groups=("r",)), worker("w2", "A")],
        [running("r", "w1", left=20, ends_in=10)],
    )
    (a,) = plan(s, RULES).assignments
    assert a.group_id == "r" and a.worker_id == "w2"
    assert a.take is not None and 9 <= a.take <= 11


def test_urgent_work_preempts_the_lane_that_frees_soonest() -> None:
    s = snapshot(
        [worker("w1", "A", groups=("r1",)), worker("w2", "A", groups=("r2",))],
        [
            running("r1", "w1", ends_in=25),
            running("r2", "w2", ends_in=5),
            waiting("hot", "H", priority=Priority.URGENT),
            waiting("more", "A"),
        ],
    )
    p = plan(s, RULES)
    assert p.assignments == ()
    assert p.preempt == ("r2",)


def test_a_lane_on_its_way_back_is_counted_before_preempting_again() -> None:
    s = snapshot(
        [worker("w1", "A", groups=("r1",)), worker("w2", "A", groups=("r2",))],
        [
            running("r1", "w1", ends_in=25),
            running("r2", "w2", ends_in=5, yielding=True),
            waiting("hot", "H", priority=Priority.URGENT),
        ],
    )
    assert plan(s, RULES).preempt == ()


def test_same_priority_waits_without_preempting() -> None:
    s = snapshot(
        [worker("w1", "A", groups=("r1",))],
        [running("r1", "w1"), waiting("next", "B", waited=900)],
    )
    assert plan(s, RULES) == plan(s, Rules(preempt=False))
    assert plan(s, RULES).preempt == ()


def test_an_org_below_its_share_gets_lanes_back_from_the_one_above() -> None:
    lanes = [worker(f"w{i}", "A", groups=(f"r{i}",)) for i in range(6)]
    busy = [running(f"r{i}", f"w{i}", org="a", left=40, ends_in=5 + i) for i in range(6)]
    s = snapshot(lanes, [*busy, waiting("b", "B", org="b", jobs=20)])
    p = plan(s, RULES)
    assert sorted(p.preempt) == ["r0", "r1", "r2"]  # three lanes each, soonest first
    assert plan(s, Rules(fair_share=False)).preempt == ()
    assert plan(s, Rules(preempt=False)).preempt == ()


@pytest.mark.parametrize("ends_in", [50.0, -5.0], ids=["within-its-estimate", "past-it"])
@pytest.mark.parametrize("left", [1, 2])
def test_a_free_lane_of_the_holder_takes_the_jobs_behind_its_running_test(
    ends_in: float, left: int
) -> None:
    """A 3-lane host runs one test of a group; the jobs behind it move to the host's free
    lanes (the version is there), the last one too, also when the test overran."""
    s = snapshot(
        [worker("host", "A", groups=("r",), capacity=3)],
        [running("r", "host", left=left, ends_in=ends_in)],
    )
    splits = plan(s, RULES).assignments
    assert {(a.group_id, a.worker_id) for a in splits} == {("r", "host")}
    assert sum(a.take or 0 for a in splits) == left


def test_a_one_lane_holder_keeps_the_last_job_behind_its_running_test() -> None:
    """The documented rule: another device does not take a group's last job from the
    device running the group's test (it would cost that device; see docs/concepts.md)."""
    s = snapshot(
        [worker("w1", "A", groups=("r",)), worker("w2", "A")],
        [running("r", "w1", left=1, ends_in=20)],
    )
    assert plan(s, RULES).assignments == ()
