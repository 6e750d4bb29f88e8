from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.platform import Platform


@pytest.fixture
def platform(redis_url: str, prefix: str, out_dir: Path) -> Iterator[Platform]:
    p = Platform(redis_url, prefix, out_dir)
    try:
        yield p
    finally:
        p.stop_all()
