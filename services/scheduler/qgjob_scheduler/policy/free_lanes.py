"""The free lanes of one target's planning pass, and which one a group of a given app version
takes, without a look at every free lane for each (a farm coming up has thousands).

A lane is chosen as the planner always chose it: the first free lane, in worker id order,
that has the version installed; else the one whose installed versions the other waiting
groups need least (then the lowest worker id). The versions' counts only fall as groups are
given, so a heap entry whose count is stale is dropped: a fresh one was pushed when it fell.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable


class FreeLanes:
    def __init__(
        self,
        free: Iterable[tuple[str, int]],
        versions: dict[str, frozenset[str]],
        wanted: Counter[str],
    ) -> None:
        self.free: Counter[str] = Counter({w: n for w, n in free if n > 0})
        self.left = sum(self.free.values())
        self._versions = versions
        self._wanted = wanted
        self.counts: Counter[str] = Counter()
        """Free lanes that have each version installed."""
        self._having: dict[str, list[str]] = {}
        for w, n in self.free.items():
            for v in versions[w]:
                self.counts[v] += n
                self._having.setdefault(v, []).append(w)
        for heap in self._having.values():
            heapq.heapify(heap)
        self._holders = {v: list(ws) for v, ws in self._having.items()}
        self._least = [(self._score(w), w) for w in self.free]
        heapq.heapify(self._least)

    def __bool__(self) -> bool:
        return self.left > 0

    def has(self, worker: str) -> bool:
        return self.free[worker] > 0

    def is_free_version(self, app: str) -> bool:
        return self.counts[app] > 0

    def free_versions(self) -> frozenset[str]:
        return frozenset(v for v, n in self.counts.items() if n > 0)

    def choose(self, app: str) -> str:
        """The lane a group of ``app`` takes (see the module docstring)."""
        heap = self._having.get(app)
        while heap:
            if self.free[heap[0]] > 0:
                return heap[0]
            heapq.heappop(heap)
        while self._least:
            score, w = self._least[0]
            if self.free[w] > 0 and score == self._score(w):
                return w
            heapq.heappop(self._least)
        raise LookupError("no free lane")

    def take(self, worker: str) -> list[str]:
        """Take one of the worker's free lanes; returns the versions no free lane has now."""
        self.free[worker] -= 1
        self.left -= 1
        gone = []
        for v in self._versions[worker]:
            self.counts[v] -= 1
            if self.counts[v] == 0:
                gone.append(v)
        return gone

    def wanted_less(self, app: str) -> None:
        """A waiting group of ``app`` was given: the free workers that have it score less."""
        self._wanted[app] -= 1
        for w in self._holders.get(app, ()):
            if self.free[w] > 0:
                heapq.heappush(self._least, (self._score(w), w))

    def _score(self, worker: str) -> int:
        return sum(self._wanted[v] for v in self._versions[worker])
