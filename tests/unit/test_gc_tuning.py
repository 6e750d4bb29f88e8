"""A service's garbage collection: what it loaded at start is frozen out of collections,
full collections are rarer, young ones as frequent as CPython's default."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from qgjob_core.gc_tuning import FULL_EVERY, tune_gc


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_gc")
def test_tuning_freezes_what_is_loaded_and_spaces_full_collections() -> None:
    young, middle, _ = gc.get_threshold()
    loaded = [object() for _ in range(10)], {"k": [1, 2]}  # containers alive at start
    tune_gc()
    assert gc.get_freeze_count() >= len(gc.get_referents(loaded))
    assert gc.get_threshold() == (young, middle, FULL_EVERY)
    assert not any(loaded is o for o in gc.get_objects())  # frozen: no collection sees it
