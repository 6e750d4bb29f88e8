"""Test paths from the command line or a suite file: plain paths as given (they need not
exist here: the workers run them in their checkout), globs expanded.

A pattern with ``*``, ``?`` or ``[`` is expanded in a base folder (``**`` spans folders);
its matches are files, given relative to that folder. A pattern that matches nothing is an
error (a typo would otherwise submit nothing). Folders named ``node_modules`` are skipped
unless the pattern names one. The result is sorted and free of duplicates.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError

GLOB_CHARS = frozenset("*?[")
SKIPPED_DIRS = ("node_modules",)


def is_glob(path: str) -> bool:
    return any(c in GLOB_CHARS for c in path)


def _posix(path: str) -> str:
    text = str(PurePosixPath(*Path(path).parts)) if path else path
    while text.startswith("./"):
        text = text[2:]
    return text


def _relative(match: str, base: Path) -> str:
    if not os.path.isabs(match):
        return _posix(match)
    try:
        return _posix(str(Path(match).resolve().relative_to(base.resolve())))
    except ValueError:
        raise CliError(
            f"{match} is outside {base}: test paths are relative to the test repository",
            exit_codes.BAD_ARGUMENTS,
        ) from None


def _skipped(match: str, pattern: str) -> bool:
    parts = set(Path(match).parts[:-1])
    return any(d in parts and d not in pattern for d in SKIPPED_DIRS)


def expand_one(pattern: str, base: Path, origin: str = "--test") -> list[str]:
    """The files ``pattern`` matches under ``base``, relative to it."""
    if os.path.isabs(pattern):
        found = glob.glob(pattern, recursive=True)
    else:
        found = glob.glob(pattern, root_dir=base, recursive=True)
    matches = [
        m
        for m in found
        if (Path(m) if os.path.isabs(m) else base / m).is_file() and not _skipped(m, pattern)
    ]
    if not matches:
        raise CliError(f"{origin} {pattern!r} matches no file in {base}", exit_codes.BAD_ARGUMENTS)
    return [_relative(m, base) for m in matches]


def expand(patterns: Iterable[str], base: Path, origin: str = "--test") -> list[str]:
    """Plain paths as given, globs expanded under ``base``; sorted, without duplicates."""
    out: set[str] = set()
    for pattern in patterns:
        if is_glob(pattern):
            out.update(expand_one(pattern, base, origin))
        elif pattern.strip():
            out.add(pattern)
        else:
            raise CliError(f"{origin}: an empty test path", exit_codes.BAD_ARGUMENTS)
    return sorted(out)
