"""The embedded store (fakeredis with Lua) runs every write script as safely repeatable as
a Redis server does: the same table as the integration test."""

from __future__ import annotations

import pytest

from tests.integration.test_repeatable_scripts import ROWS, check_row


@pytest.mark.parametrize("row", list(ROWS))
async def test_a_write_script_run_twice_leaves_what_one_run_leaves_embedded(
    prefix: str, row: str
) -> None:
    await check_row(f"memory://{prefix}", row)
