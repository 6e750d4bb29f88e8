"""Constrained field types with the validation rules of the public contract."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
TEST_PATH_MAX = 1024

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=ID_PATTERN),
]
"""An org, app version, job, group or worker id: 1-128 chars of ``[A-Za-z0-9._:-]``."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_test_path(value: str) -> str:
    if not value:
        raise ValueError("test_path must not be empty")
    if len(value) > TEST_PATH_MAX:
        raise ValueError(f"test_path must be at most {TEST_PATH_MAX} characters")
    if _CONTROL.search(value):
        raise ValueError("test_path must not contain NUL or control characters")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise ValueError("test_path must be relative to the test repository")
    if any(part == ".." for part in re.split(r"[\\/]", value)):
        raise ValueError("test_path must not contain a '..' segment")
    return value


TestPath = Annotated[str, AfterValidator(_check_test_path)]
"""A test file path relative to the test repository."""
