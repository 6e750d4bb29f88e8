"""A discrete-event simulation of qgjob's mechanics that asks a policy what to do.

It does what the Lua scripts and the worker loop do, with simulated time:

* a job joins the open group of its (org, app version, target, priority) until the group
  holds ``group_max_size`` jobs (``join.lua``); a group a worker runs keeps taking jobs;
* after every batch of events the policy gets a :class:`~qgjob_schemas.Snapshot` and
  returns a :class:`~qgjob_schemas.Plan`: whole groups and splits given to free lanes
  (``dispatch.lua``), running groups asked to yield (``preempt.lua``);
* a worker installs the group's app unless it is in its cache (an install saved), runs the
  jobs one at a time, and after each test gives the rest back if asked to yield
  (``finish.lua`` + ``release.lua``); with no job left it closes the group (``close.lua``);
* durations are learned as the store learns them (:class:`qgjob_scheduler.durations.Durations`)
  and estimates are refreshed when a group is dispatched, as ``recount`` does.

Dispatch is instantaneous here (the service plans every tick, 50 ms by default).
"""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bench.scheduling.workloads import JobSpec, Workload
from qgjob_scheduler.durations import Durations
from qgjob_schemas import Assignment, GroupState, GroupView, Plan, Priority, Snapshot, WorkerView

PolicyFn = Callable[[Snapshot], Plan]


@dataclass(frozen=True)
class Mechanics:
    group_max_size: int = 50
    cache: bool = True
    """Devices keep installed versions; without it every group installs (a plain queue)."""
    preempts: bool = True
    """The policy may preempt: ask it even when no lane is free."""
    pending_limit: int = 1000
    """Waiting groups per target a snapshot holds at most (oldest first), as
    ``snapshot.lua``."""
    default_test_s: float = 60.0
    default_install_s: float = 60.0


@dataclass
class SimJob:
    spec: JobSpec
    run: int
    est: float = 0.0
    start: float | None = None
    end: float | None = None
    arrival: float = 0.0


@dataclass
class _Group:
    id: str
    key: tuple[str, str, str, Priority]
    waiting_since: float
    queue: list[SimJob] = field(default_factory=list)
    size: int = 0
    state: GroupState = GroupState.OPEN
    worker: str | None = None
    dispatched_at: float | None = None
    yielding: bool = False
    run_started: float | None = None
    run_est: float = 0.0
    work: float = 0.0
    """Expected seconds of the jobs in the queue."""


@dataclass
class _Worker:
    id: str
    target: str
    cache: OrderedDict[str, None] = field(default_factory=OrderedDict)
    held: list[str] = field(default_factory=list)


@dataclass
class SimResult:
    jobs: list[SimJob]
    installs: list[float]
    """When each install was done."""
    saved: int
    splits: int
    preemptions: int
    rerun_at: float | None


class Simulation:
    def __init__(self, workload: Workload, policy: PolicyFn, mechanics: Mechanics) -> None:
        self.w = workload
        self.policy = policy
        self.m = mechanics
        self.now = 0.0
        self._events: list[tuple[float, int, str, object]] = []
        self._seq = itertools.count()
        self._gseq = itertools.count(1)
        self.workers = {
            f"{t}-{n}": _Worker(f"{t}-{n}", t)
            for t, count in sorted(workload.workers.items())
            for n in range(1, count + 1)
        }
        self.groups: dict[str, _Group] = {}
        self.open: dict[tuple[str, str, str, Priority], str] = {}
        self.waiting: dict[str, _Group] = {}
        """Groups waiting for a worker, in the order they started waiting."""
        self.held: dict[str, _Group] = {}
        self._fifo = True
        """Whether ``waiting`` is in creation order (no group has come back to it)."""
        self.durations = Durations(
            default_test_s=mechanics.default_test_s, default_install_s=mechanics.default_install_s
        )
        self.jobs: list[SimJob] = []
        self.installs: list[float] = []
        self.saved = self.splits = self.preemptions = 0
        self.rerun_at: float | None = None
        self._first_run_left = len(workload.jobs)

    # --- the event loop ----------------------------------------------------------------

    def run(self) -> SimResult:
        self._submit(self.w.jobs, run=1, at=0.0)
        while self._events:
            self.now = self._events[0][0]
            while self._events and self._events[0][0] == self.now:
                _, _, kind, payload = heapq.heappop(self._events)
                self._handle(kind, payload)
            self._plan()
        return SimResult(
            self.jobs, self.installs, self.saved, self.splits, self.preemptions, self.rerun_at
        )

    def _at(self, t: float, kind: str, payload: object) -> None:
        heapq.heappush(self._events, (t, next(self._seq), kind, payload))

    def _submit(self, specs: tuple[JobSpec, ...], *, run: int, at: float) -> None:
        for spec in specs:
            job = SimJob(spec, run, arrival=at + spec.arrival)
            self.jobs.append(job)
            self._at(job.arrival, "arrive", job)

    def _handle(self, kind: str, payload: object) -> None:
        if kind == "arrive":
            assert isinstance(payload, SimJob)
            self._join(payload)
        elif kind == "installed":
            assert isinstance(payload, _Group)
            self._installed(payload)
        elif kind == "done":
            assert isinstance(payload, tuple)
            group, job = payload
            self._test_done(group, job)

    # --- mechanics ---------------------------------------------------------------------

    def _join(self, job: SimJob) -> None:
        s = job.spec
        key = (s.org, s.app, s.target, s.priority)
        gid = self.open.get(key)
        if gid is None or self.groups[gid].size >= self.m.group_max_size:
            gid = f"g{next(self._gseq)}"
            self.groups[gid] = self.waiting[gid] = _Group(gid, key, self.now)
            self.open[key] = gid
        group = self.groups[gid]
        job.est = self.durations.estimate(s.org, s.target, s.path)
        group.queue.append(job)
        group.work += job.est
        group.size += 1

    def _recount(self, group: _Group) -> None:
        for job in group.queue:
            s = job.spec
            job.est = self.durations.estimate(s.org, s.target, s.path)
        group.work = sum(j.est for j in group.queue)

    def _give(self, group: _Group, worker: _Worker) -> None:
        self._recount(group)
        group.state, group.worker, group.dispatched_at = GroupState.RUNNING, worker.id, self.now
        worker.held.append(group.id)
        self.waiting.pop(group.id, None)
        self.held[group.id] = group
        app = group.key[1]
        if self.m.cache and app in worker.cache:
            worker.cache.move_to_end(app)
            self.saved += 1
            self._start_next(group)
            return
        self.installs.append(self.now)
        self._at(self.now + self.w.install_s, "installed", group)

    def _installed(self, group: _Group) -> None:
        """The install is done: the version is on the device now (the least recently used
        one goes when the cache is full), and its time is learned."""
        assert group.worker is not None
        cache = self.workers[group.worker].cache
        if self.m.cache:
            cache[group.key[1]] = None
            while len(cache) > self.w.cache_size:
                cache.popitem(last=False)
        self.durations.learn_install(group.key[2], self.w.install_s)
        self._start_next(group)

    def _start_next(self, group: _Group) -> None:
        if not group.queue:
            self._end(group)
            return
        job = group.queue.pop(0)
        group.work -= job.est
        job.start = self.now
        group.run_started, group.run_est = self.now, job.est
        self._at(self.now + job.spec.duration, "done", (group, job))

    def _test_done(self, group: _Group, job: SimJob) -> None:
        job.end = self.now
        s = job.spec
        self.durations.learn_test(s.org, s.target, s.path, s.duration)
        if job.run == 1:
            self._first_run_left -= 1
            if self._first_run_left == 0 and self.w.rerun:
                self.rerun_at = self.now
                self._submit(self.w.jobs, run=2, at=self.now)
        group.run_started = None
        if group.yielding:
            self._release(group)
        else:
            self._start_next(group)

    def _unhold(self, group: _Group) -> None:
        assert group.worker is not None
        self.workers[group.worker].held.remove(group.id)
        group.worker, group.yielding, group.run_started = None, False, None
        del self.held[group.id]

    def _release(self, group: _Group) -> None:
        self.preemptions += 1
        self._unhold(group)
        if not group.queue:
            self._end(group, unheld=True)
            return
        group.state, group.waiting_since = GroupState.OPEN, self.now
        self._recount(group)
        self.waiting[group.id] = group
        self._fifo = False

    def _end(self, group: _Group, *, unheld: bool = False) -> None:
        if not unheld:
            self._unhold(group)
        group.state = GroupState.DONE
        self.waiting.pop(group.id, None)
        if self.open.get(group.key) == group.id:
            del self.open[group.key]

    def _split(self, group: _Group, take: int) -> _Group | None:
        n = min(take, len(group.queue) - 1)
        if n < 1 or group.state is GroupState.DONE:
            return None
        part = _Group(f"g{next(self._gseq)}", group.key, self.now, size=n)
        part.queue, group.queue = group.queue[-n:], group.queue[:-n]
        part.work = sum(j.est for j in part.queue)
        group.work -= part.work
        self.groups[part.id] = part
        self.splits += 1
        return part

    # --- the policy --------------------------------------------------------------------

    def _plan(self) -> None:
        free = any(len(w.held) < 1 for w in self.workers.values())
        if not free and not self.m.preempts:
            return
        if not self.waiting and not (free and self._splittable()):
            return
        decided = self.policy(self._snapshot())
        for a in decided.assignments:
            self._apply(a)
        for gid in decided.preempt:
            group = self.groups[gid]
            if group.state is GroupState.RUNNING:
                group.yielding = True

    def _splittable(self) -> bool:
        return any(len(g.queue) >= 2 for g in self.held.values())

    def _apply(self, a: Assignment) -> None:
        worker = self.workers[a.worker_id]
        group = self.groups[a.group_id]
        if worker.held or worker.target != group.key[2]:
            return
        if a.take is None:
            if group.state is GroupState.OPEN and group.queue:
                self._give(group, worker)
            return
        part = self._split(group, a.take)
        if part is not None:
            if group.state is GroupState.OPEN:
                self._recount(group)
            self.waiting[part.id] = part
            self._give(part, worker)

    def _pending(self) -> list[_Group]:
        """Waiting groups, oldest first, at most ``pending_limit`` per target (as
        ``snapshot.lua``)."""
        limit = self.m.pending_limit
        ordered: Iterable[_Group] = self.waiting.values()
        if not self._fifo:
            ordered = sorted(ordered, key=lambda g: (g.waiting_since, int(g.id[1:])))
        out: list[_Group] = []
        taken: dict[str, int] = dict.fromkeys(self.w.workers, 0)
        for g in ordered:
            target = g.key[2]
            if taken[target] < limit:
                taken[target] += 1
                out.append(g)
                if all(n >= limit for n in taken.values()):
                    break
        return out

    def _snapshot(self) -> Snapshot:
        live = [*self.held.values(), *self._pending()]
        return Snapshot(
            now=self.now,
            workers=tuple(
                WorkerView(
                    id=w.id,
                    target=w.target,
                    versions=tuple(reversed(w.cache)),
                    groups=tuple(w.held),
                )
                for w in self.workers.values()
            ),
            groups=tuple(self._view(g) for g in live),
            install_s=dict(self.durations.installs),
            default_install_s=self.durations.default_install_s,
        )

    def _view(self, g: _Group) -> GroupView:
        org, app, target, priority = g.key
        return GroupView(
            id=g.id,
            target=target,
            org_id=org,
            app_version_id=app,
            priority=priority,
            state=g.state,
            size=g.size,
            left=len(g.queue),
            work_s=max(0.0, g.work),
            waiting_since=g.waiting_since,
            dispatched_at=g.dispatched_at,
            worker_id=g.worker,
            yielding=g.yielding,
            current_ends_at=None if g.run_started is None else g.run_started + g.run_est,
        )


def simulate(workload: Workload, policy: PolicyFn, mechanics: Mechanics) -> SimResult:
    return Simulation(workload, policy, mechanics).run()
