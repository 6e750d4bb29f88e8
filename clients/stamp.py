"""After ``make clients``: record the spec both clients were generated from (a test compares
it with openapi.json, so a stale client fails fast), and give the TypeScript package the
API's version, as the Python package gets it from the spec."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).parents[1]
SPEC = ROOT / "openapi.json"
STAMP = ROOT / "clients" / "openapi.sha256"
PACKAGE = ROOT / "clients" / "typescript" / "package.json"


def spec_digest() -> str:
    return hashlib.sha256(SPEC.read_bytes()).hexdigest()


def main() -> None:
    STAMP.write_text(spec_digest() + "\n")
    package = json.loads(PACKAGE.read_text())
    package["version"] = json.loads(SPEC.read_text())["info"]["version"]
    PACKAGE.write_text(json.dumps(package, indent=2) + "\n")


if __name__ == "__main__":
    main()
