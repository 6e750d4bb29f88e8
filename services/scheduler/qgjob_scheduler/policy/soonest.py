"""Lanes ordered by when they reach a test boundary, for finding the one that could start a
test of a given app version soonest without looking at every lane: preemption asks this once
per lane it wants, and a farm of thousands has thousands of groups running."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar


class _Lane(Protocol):
    @property
    def boundary(self) -> float: ...

    @property
    def worker(self) -> str: ...


U = TypeVar("U", bound=_Lane)


class Soonest(Generic[U]):
    """Units by ``(boundary, tiebreak)``; a unit's time for ``app`` is its boundary plus the
    install when the version is not on its worker, never less than its boundary, so a scan
    in boundary order stops as soon as no later unit can do better."""

    def __init__(
        self,
        units: Iterable[U],
        tiebreak: Callable[[int, U], int | str],
        versions: dict[str, frozenset[str]],
        install: float,
    ) -> None:
        self._order = sorted(
            ((u.boundary, tiebreak(i, u), i, u) for i, u in enumerate(units)),
            key=lambda e: (e[0], e[1], e[2]),
        )
        self._gone: set[int] = set()
        self._head = 0
        self._versions = versions
        self._install = install

    def __bool__(self) -> bool:
        return len(self._gone) < len(self._order)

    def remove(self, unit: U) -> None:
        self._gone.add(id(unit))
        while self._head < len(self._order) and id(self._order[self._head][3]) in self._gone:
            self._head += 1

    def soonest(self, app: str) -> tuple[float, int | str, U] | None:
        """The unit that could start a test of ``app`` soonest (ties: lowest tiebreak), with
        that time and its tiebreak."""
        best: tuple[float, int | str, int, U] | None = None
        for k in range(self._head, len(self._order)):
            boundary, tb, i, u = self._order[k]
            if best is not None and (boundary, tb, i) > best[:3]:
                break
            if id(u) in self._gone:
                continue
            at = boundary + (0.0 if app in self._versions[u.worker] else self._install)
            if best is None or (at, tb, i) < best[:3]:
                best = (at, tb, i, u)
        return None if best is None else (best[0], best[1], best[3])
