"""The best split of each (org, priority) bucket of running groups, kept as lanes are given,
instead of trying every running group's split for every free lane.

Within a bucket, splits order by whether the free lanes have the version, then by gain, then
by the group's place in the pass (the first wins a tie, as a scan in order would pick it).
What a group's split is depends on its jobs left and their work, on whether a free lane has
its version, and on whether its own worker has a free lane: each time one of these changes,
the planner says so (:meth:`touch`, :meth:`touch_version`, :meth:`touch_worker`) and the
group's entry is pushed again; older entries are dropped when they come up.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class _Split(Protocol):
    @property
    def key(self) -> tuple[float | int | bool, ...]: ...


class _Held(Protocol):
    @property
    def org(self) -> str: ...

    @property
    def rank(self) -> int: ...

    @property
    def app(self) -> str: ...

    @property
    def worker(self) -> str: ...


U = TypeVar("U", bound=_Held)
C = TypeVar("C", bound=_Split)

Bucket = tuple[str, int]


class SplitIndex(Generic[U, C]):
    def __init__(self, candidate: Callable[[U], C | None]) -> None:
        self._candidate = candidate
        self._units: list[U] = []
        self._version: list[int] = []
        self._heaps: dict[Bucket, list[tuple[int, float, int, int]]] = {}
        self._by_app: dict[str, list[int]] = {}
        self._by_worker: dict[str, list[int]] = {}

    def add(self, unit: U) -> None:
        pos = len(self._units)
        self._units.append(unit)
        self._version.append(0)
        self._by_app.setdefault(unit.app, []).append(pos)
        self._by_worker.setdefault(unit.worker, []).append(pos)
        self._push(pos)

    def touch(self, unit: U) -> None:
        for pos in self._by_worker.get(unit.worker, ()):
            if self._units[pos] is unit:
                self._push(pos)

    def touch_version(self, app: str) -> None:
        for pos in self._by_app.get(app, ()):
            self._push(pos)

    def touch_worker(self, worker: str) -> None:
        for pos in self._by_worker.get(worker, ()):
            self._push(pos)

    def buckets(self) -> list[Bucket]:
        """The buckets that may hold a split (their entries are checked in :meth:`best`)."""
        return [b for b, heap in self._heaps.items() if heap]

    def best(self, bucket: Bucket) -> tuple[C, int] | None:
        """The bucket's best split now, with its unit's place in the pass."""
        heap = self._heaps.get(bucket)
        while heap:
            _, _, pos, version = heap[0]
            if version != self._version[pos]:
                heapq.heappop(heap)
                continue
            cand = self._candidate(self._units[pos])
            if cand is None:
                heapq.heappop(heap)
                continue
            if _order(cand, pos) != heap[0][:3]:
                self._push(pos)  # it changed without a word: placed again by what it is now
                continue
            return cand, pos
        return None

    def _push(self, pos: int) -> None:
        self._version[pos] += 1
        unit = self._units[pos]
        cand = self._candidate(unit)
        if cand is not None:
            heap = self._heaps.setdefault((unit.org, unit.rank), [])
            heapq.heappush(heap, (*_order(cand, pos), self._version[pos]))


def _order(cand: _Split, pos: int) -> tuple[int, float, int]:
    """Smallest first: the version on a free lane, then the gain, then the place."""
    return (-int(bool(cand.key[4])), -float(cand.key[5]), pos)
