"""``python -m qgjob_api.openapi [PATH]``: write the OpenAPI spec (``make openapi``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from qgjob_api.app import create_app
from qgjob_api.settings import ApiSettings


def spec() -> dict[str, Any]:
    """The spec of the app as served (it does not depend on settings or the store)."""
    return create_app(ApiSettings(redis_url="memory://openapi")).openapi()


def render() -> str:
    return json.dumps(spec(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "openapi.json")
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
