"""The manual (docs/) documents every setting each service reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from qgjob_api.settings import ApiSettings
from qgjob_cli.settings import CliSettings
from qgjob_scheduler.settings import SchedulerSettings
from qgjob_worker.settings import WorkerSettings

DOCS = "\n".join(p.read_text() for p in sorted((Path(__file__).parents[2] / "docs").glob("*.md")))


@pytest.mark.parametrize("settings", [ApiSettings, SchedulerSettings, WorkerSettings, CliSettings])
def test_every_setting_is_in_the_docs(settings: type[BaseSettings]) -> None:
    missing = [
        f"QGJOB_{name.upper()}"
        for name in settings.model_fields
        if f"`QGJOB_{name.upper()}`" not in DOCS
    ]
    assert missing == []
