"""The grouping decision: when a group goes to a worker."""

from __future__ import annotations

from qgjob_scheduler.policy import DispatchRules, ready_groups
from qgjob_schemas import OpenGroup, Priority, Snapshot, TargetLoad

RULES = DispatchRules(max_size=10, linger_s=1.0, dispatch_on_idle=True)


def snap(groups: list[OpenGroup], idle: int = 0, waiting: int = 0, now: float = 100.0) -> Snapshot:
    return Snapshot(
        now=now,
        targets={"emulator": TargetLoad("emulator", idle_workers=idle, waiting_groups=waiting)},
        groups=groups,
    )


def group(gid: str, size: int = 1, age: float = 0.0, prio: Priority = Priority.NORMAL) -> OpenGroup:
    return OpenGroup(id=gid, target="emulator", size=size, created_at=100.0 - age, priority=prio)


def test_a_young_small_group_waits_when_no_worker_is_idle() -> None:
    assert ready_groups(snap([group("g1", size=3, age=0.2)]), RULES) == []


def test_a_full_group_goes_at_once() -> None:
    assert ready_groups(snap([group("g1", size=10)]), RULES) == ["g1"]


def test_a_group_goes_when_its_linger_time_passed() -> None:
    assert ready_groups(snap([group("g1", size=1, age=1.0)]), RULES) == ["g1"]


def test_an_idle_worker_takes_a_group_at_once() -> None:
    assert ready_groups(snap([group("g1", age=0.0)], idle=1), RULES) == ["g1"]


def test_idle_workers_already_promised_a_group_do_not_count() -> None:
    assert ready_groups(snap([group("g1")], idle=1, waiting=1), RULES) == []


def test_one_idle_worker_takes_one_group_the_most_urgent_first() -> None:
    groups = [group("old", age=0.5), group("urgent", prio=Priority.URGENT), group("new")]
    assert ready_groups(snap(groups, idle=1), RULES) == ["urgent"]


def test_without_dispatch_on_idle_groups_linger() -> None:
    rules = DispatchRules(max_size=10, linger_s=1.0, dispatch_on_idle=False)
    assert ready_groups(snap([group("g1")], idle=3), rules) == []


def test_idle_workers_of_another_target_do_not_help() -> None:
    s = Snapshot(
        now=100.0,
        targets={"device": TargetLoad("device", idle_workers=2)},
        groups=[group("g1")],
    )
    assert ready_groups(s, RULES) == []
