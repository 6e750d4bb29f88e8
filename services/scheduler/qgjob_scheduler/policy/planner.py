"""Which work each free lane takes, and which running groups give their lane back.

Per target, free lanes are filled one at a time with the best candidate:

1. the org furthest below its fair share of the target's lanes first;
2. then the higher priority band (priority with aging), then the higher priority;
3. a waiting group before a split of a group already running (no extra install when there
   is other work);
4. a worker that already has the version installed (affinity: the install is skipped);
5. the app version with the most work per worker serving it (spreads versions so that
   each worker installs few), else the split that gains most;
6. the oldest (FIFO).

A waiting group goes whole to a worker that has its version when one is free, else to the
free worker whose installed versions the other waiting groups need least. A split hands the
tail of a running group to a free worker when :func:`~.splitting.best_split` says it pays.
While a group's holder runs one of its tests, a free lane of that same worker takes the jobs
waiting behind it, the last one included (see :func:`~.splitting.split_behind_test`).

When waiting work finds no free lane, running groups are asked to yield at their next test
boundary: for a waiting group of a higher priority than theirs (aging does not count
here: it orders the waiting, it does not preempt), or for an org below its fair share at
the expense of one above it. A lane already on its way back (a group yielding, a group on
its last test) serves a want instead when it frees no later than a victim's would. A
group always runs at least one test per lane it gets, so preemption cannot starve it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from qgjob_scheduler.policy.fairness import fair_shares
from qgjob_scheduler.policy.free_lanes import FreeLanes
from qgjob_scheduler.policy.priority import waiting_band
from qgjob_scheduler.policy.rules import Rules, eligible
from qgjob_scheduler.policy.soonest import Soonest
from qgjob_scheduler.policy.split_index import SplitIndex
from qgjob_scheduler.policy.splitting import Split, best_split, split_behind_test
from qgjob_schemas import Assignment, GroupState, GroupView, Plan, Snapshot, WorkerView


@dataclass(slots=True)
class _Unit:
    """A group occupying a lane: held by a worker, or given one in this pass."""

    group: GroupView
    worker: str
    left: int
    work: float
    overhead: float
    """Seconds until the holder can start on the jobs left."""
    boundary: float = 0.0
    """Seconds until the lane reaches a test boundary (where it can be handed back)."""
    live: bool = True
    """On a live worker that takes work (counts for the org's usage, may be preempted)."""
    splittable: bool = True
    """Its group exists in the store (not one split off in this pass)."""
    testing: bool = False
    """Its holder is running one of the group's tests now."""

    @property
    def org(self) -> str:
        return self.group.org_id

    @property
    def key(self) -> tuple[str, str]:
        return (self.group.org_id, self.group.app_version_id)

    @property
    def rank(self) -> int:
        return self.group.priority.rank

    @property
    def app(self) -> str:
        return self.group.app_version_id


@dataclass
class _Part:
    """Jobs one worker would run, for counting the splits an org could use."""

    left: int
    work: float
    overhead: float
    app: str


@dataclass
class _Candidate:
    """Work a free lane could take: a waiting group, or a split of ``unit``."""

    key: tuple[float | int | bool, ...]
    """Higher is better (see the module docstring for the order)."""
    group: GroupView
    unit: _Unit | None = None
    split: Split | None = None
    lane: str | None = None
    """The free lane a split must take (else the best one for its version)."""


class _Want(NamedTuple):
    """A lane an org wants and does not have."""

    order: tuple[int, int, float]
    """Within the org, lower first: (-band, -priority, waiting since)."""
    priority: int
    """The priority rank it wants the lane at; -1 when it is owed the lane only by fairness."""
    app: str


FAIRNESS_ONLY = (0, 1, float("inf"))
"""Order of a want that comes only from fairness: after the org's waiting groups."""


@dataclass
class _TargetPass:
    snapshot: Snapshot
    target: str
    rules: Rules
    assignments: list[Assignment] = field(default_factory=list)
    preempt: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        snap = self.snapshot
        self.now = snap.now
        self.install = snap.install_s.get(self.target, snap.default_install_s)
        workers = sorted((w for w in snap.workers if w.target == self.target), key=_by_id)
        self.versions = {w.id: w.installed for w in workers}
        self._workers = workers
        mine = [g for g in snap.groups if g.target == self.target]
        self.units = [self._held(g) for g in mine if g.state is not GroupState.OPEN and g.worker_id]
        self.yielding = [u for u in self.units if u.group.yielding and u.live]
        self.units = [u for u in self.units if not u.group.yielding]
        self.waiting = sorted(
            (g for g in mine if g.state is GroupState.OPEN and g.left > 0),
            key=lambda g: (g.waiting_since, len(g.id), g.id),
        )
        self.waiting = [g for g in self.waiting if eligible(g, self.now, self.rules)]
        self.fifo = {g.id: i for i, g in enumerate(self.waiting)}
        self.band = {g.id: waiting_band(g, self.now, self.rules.aging_s) for g in self.waiting}
        self.usage: Counter[str] = Counter(u.org for u in self.units if u.live)
        self.shares = self._shares(sum(w.capacity for w in workers))
        self._work: dict[tuple[str, str], float] = {}
        self._servers: Counter[tuple[str, str]] = Counter()

    # --- setup -------------------------------------------------------------------------

    def _held(self, group: GroupView) -> _Unit:
        """A held group: when its holder can start on the jobs left (``overhead``), and when
        its lane reaches a test boundary (a lane is handed back only after a test)."""
        worker = group.worker_id or ""
        per_job = group.work_s / group.left if group.left else 0.0
        if group.current_ends_at is not None:
            overhead = max(0.0, group.current_ends_at - self.now)
            boundary = overhead
        else:  # dispatched, or installing: the first test runs before any hand-back
            installed = group.app_version_id in self.versions.get(worker, frozenset())
            since = group.dispatched_at if group.dispatched_at is not None else self.now
            overhead = 0.0 if installed else max(0.0, since + self.install - self.now)
            boundary = overhead + per_job
        return _Unit(
            group=group,
            worker=worker,
            left=group.left,
            work=group.work_s,
            overhead=overhead,
            boundary=boundary,
            live=worker in self.versions,
            testing=group.current_ends_at is not None and group.state is GroupState.RUNNING,
        )

    def _shares(self, lanes: int) -> dict[str, float]:
        if not self.rules.fair_share:
            return {}
        demand: Counter[str] = Counter()
        for u in self.units:
            if u.live:
                demand[u.org] += 1 + u.left
        for g in self.waiting:
            demand[g.org_id] += g.left
        return fair_shares(lanes, {o: min(d, lanes) for o, d in demand.items()})

    def _ratio(self, org: str) -> float:
        """How much of its fair share an org uses (lower goes first)."""
        if not self.rules.fair_share:
            return 0.0
        share = self.shares.get(org, 0.0)
        return self.usage[org] / share if share > 0 else float("inf")

    # --- filling free lanes --------------------------------------------------------------

    def _nothing_to_fill(self) -> bool:
        """No free lane, or nothing a lane could take: a busy farm's size, or an idle one's,
        costs this part of the pass nothing."""
        if not any(w.free > 0 for w in self._workers):
            return True
        return not self.waiting and not (self.rules.split and self.units)

    def _count_work(self) -> None:
        """The work of each (org, app version) and the lanes serving it (its pressure)."""
        for u in self.units:
            self._work[u.key] = self._work.get(u.key, 0.0) + u.work
            self._servers[u.key] += 1
        for g in self.waiting:
            key = (g.org_id, g.app_version_id)
            self._work[key] = self._work.get(key, 0.0) + g.work_s

    def fill(self) -> None:
        if self._nothing_to_fill():
            return
        self._count_work()
        wanted = Counter(g.app_version_id for g in self.waiting)
        self._lanes = FreeLanes(((w.id, w.free) for w in self._workers), self.versions, wanted)
        self._splits: SplitIndex[_Unit, _Candidate] = SplitIndex(self._split_candidate)
        if self.rules.split:
            for u in self.units:
                self._splits.add(u)
        self._tops: dict[str, list[tuple[tuple[float | int, ...], GroupView]]] = {}
        for g in self.waiting:
            self._tops.setdefault(g.org_id, []).append((self._waiting_rank(g), g))
        for heap in self._tops.values():
            heapq.heapify(heap)
        while self._lanes:
            best = self._best()
            if best is None:
                return
            if best.split is not None and best.unit is not None:
                self._give_split(best.unit, best.split, best.lane)
            else:
                self._give_whole(best.group)

    def _waiting_rank(self, g: GroupView) -> tuple[float | int, ...]:
        """A waiting group's key after its org's ratio, negated (a heap's smallest first)."""
        return (
            -self.band[g.id],
            -g.priority.rank,
            -int(self._lanes.is_free_version(g.app_version_id)),
            -self._pressure((g.org_id, g.app_version_id)),
            self.fifo[g.id],
        )

    def _best_waiting(self, org: str) -> GroupView | None:
        """The org's best waiting group. A key only falls as lanes are given (a version
        leaves the free lanes, a version's pressure drops with each worker it gets), so a
        heap entry is checked against the group's key now: a stale one goes back in."""
        heap = self._tops[org]
        while heap:
            rank, g = heap[0]
            if g.id not in self.fifo:  # given in this pass
                heapq.heappop(heap)
                continue
            now = self._waiting_rank(g)
            if now == rank:
                return g
            heapq.heapreplace(heap, (now, g))
        return None

    def _best(self) -> _Candidate | None:
        best: _Candidate | None = None
        for org in self._tops:
            g = self._best_waiting(org)
            if g is None:
                continue
            key = (
                -self._ratio(g.org_id),
                self.band[g.id],
                g.priority.rank,
                1,
                self._lanes.is_free_version(g.app_version_id),
                self._pressure((g.org_id, g.app_version_id)),
                -self.fifo[g.id],
            )
            if best is None or key > best.key:
                best = _Candidate(key, g)
        if self.rules.split:
            # a split beats what is best so far only with a higher key; among splits of
            # equal keys, the running group first in the pass (as a scan in order picks)
            found: tuple[_Candidate, int] | None = None
            for bucket in self._buckets_that_may_win(best):
                top = self._splits.best(bucket)
                if top is not None and (
                    found is None or (top[0].key, -top[1]) > (found[0].key, -found[1])
                ):
                    found = top
            if found is not None and (best is None or found[0].key > best.key):
                best = found[0]
        return best

    def _buckets_that_may_win(self, best: _Candidate | None) -> set[tuple[str, int]]:
        """The (org, rank) buckets of splittable units whose key could exceed ``best``'s (a
        lane skips the others instead of trying every unit): a split's key is at most
        (-ratio, rank, rank, 0, True, inf, 0)."""
        out = set()
        for org, rank in self._splits.buckets():
            bound = (-self._ratio(org), rank, rank, 0, True, float("inf"), 0)
            if best is None or bound > best.key:
                out.add((org, rank))
        return out

    def _pressure(self, key: tuple[str, str]) -> float:
        """Work per worker of an (org, app version), if one more worker joined it (the
        work moves between waiting groups and units as lanes are given; its sum does not)."""
        return self._work.get(key, 0.0) / (1 + self._servers[key])

    def _split_candidate(self, u: _Unit) -> _Candidate | None:
        if not u.splittable:
            return None
        own = self._own_lane_split(u)
        if own is not None:
            return own
        if u.left < 2:
            return None
        cached = self._lanes.is_free_version(u.group.app_version_id)
        split = best_split(u.left, u.work, u.overhead, 0.0 if cached else self.install)
        if split is None:
            return None
        g = u.group
        key = (-self._ratio(u.org), g.priority.rank, g.priority.rank, 0, cached, split.gain, 0)
        return _Candidate(key, g, unit=u, split=split)

    def _own_lane_split(self, u: _Unit) -> _Candidate | None:
        """The jobs behind the test its holder runs, for a free lane of the same worker."""
        g = u.group
        if not (u.testing and self._lanes.has(u.worker) and g.current_ends_at is not None):
            return None
        if g.app_version_id not in self.versions[u.worker]:
            return None
        split = split_behind_test(u.left, u.work, g.current_ends_at - self.now)
        if split is None:
            return None
        key = (-self._ratio(u.org), g.priority.rank, g.priority.rank, 0, True, split.gain, 0)
        return _Candidate(key, g, unit=u, split=split, lane=u.worker)

    def _take_lane(self, app: str) -> tuple[str, float]:
        lane = self._lanes.choose(app)
        self._take(lane)
        return lane, 0.0 if app in self.versions[lane] else self.install

    def _take(self, lane: str) -> None:
        """Take a free lane; the splits it changes are looked at again."""
        for app in self._lanes.take(lane):
            self._splits.touch_version(app)
        if not self._lanes.has(lane):
            self._splits.touch_worker(lane)

    def _give_whole(self, g: GroupView) -> None:
        lane, install = self._take_lane(g.app_version_id)
        self.waiting.remove(g)
        del self.fifo[g.id]
        self._lanes.wanted_less(g.app_version_id)
        self.assignments.append(Assignment(g.id, lane))
        unit = _Unit(g, lane, g.left, g.work_s, install)
        self.units.append(unit)
        if self.rules.split:
            self._splits.add(unit)
        self._servers[(g.org_id, g.app_version_id)] += 1
        self.usage[g.org_id] += 1

    def _give_split(self, u: _Unit, split: Split, lane: str | None = None) -> None:
        if lane is None:
            lane, install = self._take_lane(u.group.app_version_id)
        else:
            self._take(lane)
            install = 0.0
        self.assignments.append(Assignment(u.group.id, lane, split.take))
        u.left -= split.take
        u.work -= split.work
        self._splits.touch(u)
        part = _Unit(u.group, lane, split.take, split.work, install, splittable=False)
        self.units.append(part)
        self._servers[u.key] += 1
        self.usage[u.org] += 1

    # --- preemption --------------------------------------------------------------------

    def take_back(self) -> None:
        """Ask running groups to yield for waiting work that found no free lane."""
        if not self.rules.preempt:
            return
        wants = self._wants()
        if not wants:
            return  # no org wants a lane: the running groups need not be looked at
        # lanes on their way back: groups yielding, and groups on their last test
        coming = [u for u in self.yielding]
        coming += [u for u in self.units if u.live and u.left == 0 and _running(u)]
        incoming = Soonest(coming, lambda i, u: i, self.versions, self.install)
        victims = _Victims(
            [u for u in self.units if u.live and u.left > 0 and _running(u)],
            self.versions,
            self.install,
        )
        while wants:
            org = min(wants, key=lambda o: (self._ratio(o), wants[o][0].order))
            _, rank, app = wants[org].pop(0)
            if not wants[org]:
                del wants[org]
            if not incoming and not self._may_preempt_for(org, rank, victims):
                continue
            soonest = incoming.soonest(app)
            victim = self._victim(org, rank, app, victims)
            if soonest is not None and (victim is None or soonest[0] <= victim[0]):
                unit = soonest[2]
                incoming.remove(unit)
                self.usage[unit.org] -= 0 if unit.group.yielding else 1
            elif victim is not None:
                unit = victim[1]
                victims.remove(unit)
                self.preempt.append(unit.group.id)
                self.usage[unit.org] -= 1
            else:
                continue
            self.usage[org] += 1

    def _free_in(self, u: _Unit, app: str) -> float:
        """Seconds until ``u``'s lane could start a test of ``app``: its next test boundary,
        then the install unless the version is there."""
        return u.boundary + (0.0 if app in self.versions[u.worker] else self.install)

    def _wants(self) -> dict[str, list[_Want]]:
        """Per org, the lanes it wants, most urgent first: its waiting groups, then (below
        its fair share) lanes it could use by splitting its groups."""
        wants: dict[str, list[_Want]] = {}
        for g in self.waiting:
            band = waiting_band(g, self.now, self.rules.aging_s)
            order = (-band, -g.priority.rank, g.waiting_since)
            wants.setdefault(g.org_id, []).append(_Want(order, g.priority.rank, g.app_version_id))
        for queue in wants.values():
            queue.sort()
        if not (self.rules.fair_share and self.rules.split):
            return wants
        for org, share in self.shares.items():
            gap = int(share) - self.usage[org] - len(wants.get(org, []))
            if gap > 0:
                wants.setdefault(org, []).extend(self._split_wants(org, gap))
            if not wants.get(org):
                wants.pop(org, None)
        return wants

    def _split_wants(self, org: str, most: int) -> list[_Want]:
        """Fairness wants of ``org``: lanes it could use by splitting its groups (running,
        or waiting for a lane of their own) onto workers without the version, as the fill
        would judge each split; ``most`` at most."""
        parts = [_Part(u.left, u.work, u.overhead, u.group.app_version_id) for u in self.units]
        parts = [p for p, u in zip(parts, self.units, strict=True) if u.org == org]
        parts += [
            _Part(g.left, g.work_s, self.install, g.app_version_id)
            for g in self.waiting
            if g.org_id == org
        ]
        out: list[_Want] = []
        while parts and len(out) < most:
            part = max(parts, key=lambda p: p.work + p.overhead)
            split = best_split(part.left, part.work, part.overhead, self.install)
            if split is None:
                break
            part.left, part.work = part.left - split.take, part.work - split.work
            parts.append(_Part(split.take, split.work, self.install, part.app))
            out.append(_Want(FAIRNESS_ONLY, -1, part.app))
        return out

    def _may_preempt_for(self, org: str, rank: int, victims: _Victims) -> bool:
        """Quick check: some victim has a lower priority, or the org is owed lanes."""
        owed = self.rules.fair_share and self.usage[org] < self.shares.get(org, 0) - 0.5
        return owed or any(rank > vrank for (vrank, _), _ in victims.buckets())

    def _victim(
        self, org: str, rank: int, app: str, victims: _Victims
    ) -> tuple[float, _Unit] | None:
        """The running group to preempt for a lane wanted by ``org`` at priority ``rank``
        (-1: only for fairness), with when its lane could start ``app``; None when none may
        be. Victims are looked at per (priority, org): each bucket's soonest lane."""
        best: tuple[tuple[int, float, float, str], float, _Unit] | None = None
        for (vrank, vorg), bucket in victims.buckets():
            allowed = (rank > vrank and (vorg == org or self._below_share(org))) or self._unfair(
                org, vorg
            )
            found = bucket.soonest(app) if allowed else None
            if found is None:
                continue
            at, _, unit = found
            key = (vrank, -self._ratio(vorg), at, unit.group.id)
            if best is None or key < best[0]:
                best = (key, at, unit)
        return None if best is None else (best[1], best[2])

    def _below_share(self, org: str) -> bool:
        return not self.rules.fair_share or self.usage[org] + 1 <= self.shares.get(org, 0) + 0.5

    def _unfair(self, org: str, other: str) -> bool:
        """Whether ``other`` holds lanes ``org`` is owed: org is below its share, other above
        its own, and moving one lane leaves other with no fewer than org."""
        if not self.rules.fair_share or org == other:
            return False
        return (
            self.usage[org] < self.shares.get(org, 0) - 0.5
            and self.usage[other] > self.shares.get(other, 0)
            and self.usage[other] - self.usage[org] >= 2
        )


class _Victims:
    """Running groups that may be preempted, in buckets of (priority rank, org): within one,
    the victim is the lane that could start the wanted version soonest (then the lowest
    group id, then the first)."""

    def __init__(
        self, units: list[_Unit], versions: dict[str, frozenset[str]], install: float
    ) -> None:
        split: dict[tuple[int, str], list[_Unit]] = {}
        for u in units:
            split.setdefault((u.group.priority.rank, u.org), []).append(u)
        self._buckets = {
            k: Soonest(us, lambda i, u: u.group.id, versions, install) for k, us in split.items()
        }

    def buckets(self) -> list[tuple[tuple[int, str], Soonest[_Unit]]]:
        return [(k, b) for k, b in self._buckets.items() if b]

    def remove(self, unit: _Unit) -> None:
        self._buckets[(unit.group.priority.rank, unit.org)].remove(unit)


def _by_id(w: WorkerView) -> str:
    return w.id


def _running(u: _Unit) -> bool:
    return u.group.state is GroupState.RUNNING


def plan(snapshot: Snapshot, rules: Rules) -> Plan:
    """What to dispatch, split and preempt now, for every target in the snapshot."""
    # each target's pass sees its own workers and groups only (a pass of one target then
    # costs what that target holds, not what the whole farm does)
    workers: dict[str, list[WorkerView]] = {}
    groups: dict[str, list[GroupView]] = {}
    for w in snapshot.workers:
        workers.setdefault(w.target, []).append(w)
    for g in snapshot.groups:
        groups.setdefault(g.target, []).append(g)
    assignments: list[Assignment] = []
    preempt: list[str] = []
    for target in sorted(workers.keys() | groups.keys()):
        mine = replace(
            snapshot,
            workers=tuple(workers.get(target, ())),
            groups=tuple(groups.get(target, ())),
        )
        p = _TargetPass(mine, target, rules)
        p.fill()
        p.take_back()
        assignments += p.assignments
        preempt += p.preempt
    return Plan(assignments=tuple(assignments), preempt=tuple(preempt))
