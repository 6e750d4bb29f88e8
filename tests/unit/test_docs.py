"""The README documents every setting each service reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from qgjob_api.settings import ApiSettings
from qgjob_cli.settings import CliSettings
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_worker.settings import WorkerSettings

README = (Path(__file__).parents[2] / "README.md").read_text()


@pytest.mark.parametrize("settings", [ApiSettings, SchedulerSettings, WorkerSettings, CliSettings])
def test_every_setting_is_in_the_readme(settings: type[BaseSettings]) -> None:
    missing = [
        f"QGJOB_{name.upper()}"
        for name in settings.model_fields
        if f"`QGJOB_{name.upper()}`" not in README
    ]
    assert missing == []
