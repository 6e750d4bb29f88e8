"""Building policy snapshots by hand for unit tests."""

from __future__ import annotations

from qgjob_schemas import GroupState, GroupView, Priority, Snapshot, WorkerView

NOW = 10_000.0


def worker(wid: str, *versions: str, groups: tuple[str, ...] = (), capacity: int = 1) -> WorkerView:
    return WorkerView(
        id=wid, target="emulator", capacity=capacity, versions=tuple(versions), groups=groups
    )


def waiting(
    gid: str,
    app: str = "A",
    *,
    org: str = "org1",
    jobs: int = 10,
    per_job: float = 30.0,
    waited: float = 0.0,
    priority: Priority = Priority.NORMAL,
) -> GroupView:
    return GroupView(
        id=gid,
        target="emulator",
        org_id=org,
        app_version_id=app,
        priority=priority,
        state=GroupState.OPEN,
        size=jobs,
        left=jobs,
        work_s=jobs * per_job,
        waiting_since=NOW - waited,
    )


def running(
    gid: str,
    on: str,
    app: str = "A",
    *,
    org: str = "org1",
    left: int = 10,
    per_job: float = 30.0,
    ends_in: float = 15.0,
    priority: Priority = Priority.NORMAL,
    yielding: bool = False,
) -> GroupView:
    return GroupView(
        id=gid,
        target="emulator",
        org_id=org,
        app_version_id=app,
        priority=priority,
        state=GroupState.RUNNING,
        size=left + 1,
        left=left,
        work_s=left * per_job,
        waiting_since=NOW - 600,
        dispatched_at=NOW - 300,
        worker_id=on,
        yielding=yielding,
        current_ends_at=NOW + ends_in,
    )


def snapshot(
    workers: list[WorkerView], groups: list[GroupView], install_s: float = 60.0
) -> Snapshot:
    return Snapshot(
        now=NOW,
        workers=tuple(workers),
        groups=tuple(groups),
        install_s={"emulator": install_s},
        default_install_s=install_s,
    )
