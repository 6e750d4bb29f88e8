"""Garbage collection of a long-running service.

An API process that serves a thousand live event streams holds some 350,000 container
objects (each stream's coroutines, frames and buffers), and CPython's full collection walks
them all: 200 to 500 ms with the event loop stopped, every few seconds, which was the tail
of every watcher's delivery delay. What the process loaded before it served lives as long
as the process, so it is frozen out of every collection; full collections come after ten
times as many younger ones as CPython's default (young ones are unchanged, so short-lived
cycles are freed as soon as before).
"""

from __future__ import annotations

import gc

FULL_EVERY = 100
"""Collections of the middle generation between two full ones (CPython: 10)."""


def tune_gc() -> None:
    """Freeze what is loaded now and make full collections rarer; call once at start, after
    the imports."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
