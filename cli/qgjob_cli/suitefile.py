"""Suite files (``qgjob submit -f suite.yaml``): the fields of ``POST /v1/suites`` in YAML,
with globs allowed in ``tests``.

```yaml
name: nightly
org_id: acme                 # optional with an org token
app_version_id: build-42     # or --app-version-id
targets: [emulator, browserstack]
tests:
  - tests/login.spec.js
  - tests/checkout/**/*.spec.js
priority: high
flaky_retries: 1
max_attempts: 3
```

Globs in a suite file are expanded in the suite file's folder (keep it at the root of the
test repository); command-line flags replace the file's values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.testpaths import expand
from qgjob_schemas import SuitePayload

FIELDS = tuple(SuitePayload.model_fields)
LISTS = ("tests", "targets")
STRINGS = ("org_id", "app_version_id", "name")


def _bad(path: Path, message: str) -> CliError:
    return CliError(f"suite file {path}: {message}", exit_codes.BAD_ARGUMENTS)


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise _bad(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, f"cannot read it: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        problem = getattr(exc, "problem", None) or "invalid"
        raise _bad(path, f"not valid YAML{line}: {problem}") from None


def load(path: Path) -> dict[str, Any]:
    """The file's fields, its globs expanded; checked for shape, not yet for values."""
    data = _read(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _bad(path, "must be a mapping of fields (name, app_version_id, tests, ...)")
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise _bad(path, f"unknown field {', '.join(unknown)} (fields: {', '.join(FIELDS)})")
    for key in LISTS:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = [value]
        elif value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise _bad(path, f"{key} must be a list of strings")
    for key in STRINGS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise _bad(path, f"{key} must be a string: quote it ({key}: '{value}')")
    if data.get("tests"):
        data["tests"] = expand(data["tests"], path.parent, origin=f"{path}: tests:")
    return data
