from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from qgjob_store import Store
from tests.support.api import in_process, secured


@pytest.fixture
async def sapi(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process over the real Redis, with authentication on."""
    async with in_process(secured(), store) as client:
        yield client
