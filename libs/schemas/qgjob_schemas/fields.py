"""Constrained field types with the validation rules of the public contract.

Every text a client sends ends up in a Redis record, a log line, a file name or a page: so
no text may hold what none of those can show or keep safely (see :func:`unsafe_char`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, StringConstraints, field_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
"""The one grammar of ids. The first character is a letter or digit, so no id is ``.`` or
``..`` (or a hidden file, or an option to a command), whatever folder or key it names."""
ID_MESSAGE = "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
TEST_PATH_MAX = 1024
NAME_MAX = 128
FILE_NAME_MAX_BYTES = 255
"""The longest file name (in UTF-8 bytes) Linux file systems keep."""

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=ID_PATTERN),
]
"""An org, app version, job, group or worker id (see :data:`ID_PATTERN`)."""

# C0 and C1 controls, DEL, bidirectional overrides/isolates/marks (text that displays in
# another order than it is stored), and lone surrogates (no UTF-8 encoding exists).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def unsafe_char(value: str) -> str | None:
    """A description of the first character ``value`` may not hold, or None."""
    found = _UNSAFE.search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate (U+{ord(char):04X})"
    if char in "\u061c\u200e\u200f" or "\u202a" <= char <= "\u2069":
        return f"a bidirectional control (U+{ord(char):04X})"
    return f"a control character (U+{ord(char):04X})"


def check_text(value: str, what: str) -> str:
    """``value`` unchanged, or a ``ValueError`` naming what it holds."""
    bad = unsafe_char(value)
    if bad is not None:
        raise ValueError(f"{what} must not contain {bad}")
    return value


def _check_test_path(value: str) -> str:
    if not value:
        raise ValueError("test_path must not be empty")
    if len(value) > TEST_PATH_MAX:
        raise ValueError(f"test_path must be at most {TEST_PATH_MAX} characters")
    check_text(value, "test_path")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise ValueError("test_path must be relative to the test repository")
    if any(part == ".." for part in re.split(r"[\\/]", value)):
        raise ValueError("test_path must not contain a '..' segment")
    return value


TestPath = Annotated[str, AfterValidator(_check_test_path)]
"""A test file path relative to the test repository."""


def _check_name(value: str) -> str:
    check_text(value, "name")
    if "<" in value or ">" in value:
        raise ValueError("name must not contain '<' or '>'")
    return value


Name = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(_check_name)]
"""A label shown to people (a suite's or a token's name): printable text, no markup."""


def check_file_name(value: str, what: str) -> str:
    """A bare file name the build store can keep as given: no folder, no control."""
    if not value or value in (".", ".."):
        raise ValueError(f"{what} must name a file")
    check_text(value, what)
    if "/" in value or "\\" in value:
        raise ValueError(f"{what} must be a file name, without '/' or '\\'")
    if len(value.encode()) > FILE_NAME_MAX_BYTES:
        raise ValueError(f"{what} must be at most {FILE_NAME_MAX_BYTES} bytes long")
    return value


def _walk_text(value: Any, field: str) -> None:
    if isinstance(value, str):
        check_text(value, field)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _walk_text(item, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk_text(key, field)
            _walk_text(item, field)


class RequestModel(BaseModel):
    """Base of every request body: no text field of any of them, present or future, may
    hold a control character, a bidirectional control or a lone surrogate."""

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value: Any, info: Any) -> Any:
        _walk_text(value, info.field_name)
        return value
