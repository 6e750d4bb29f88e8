"""The OpenAPI spec: committed and current, and shaped for client generators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgjob_api.openapi import render, spec

SPEC_FILE = Path(__file__).parents[2] / "openapi.json"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op) for path, ops in spec()["paths"].items() for method, op in ops.items()
    ]


def _has_example(doc: dict[str, Any], schemas: dict[str, Any]) -> bool:
    for media in doc.get("content", {}).values():
        if "example" in media or "examples" in media:
            return True
        ref = media.get("schema", {}).get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1], {})
        if target.get("examples"):
            return True
        items = media.get("schema", {}).get("items", {}).get("$ref", "")
        if schemas.get(items.rsplit("/", 1)[-1], {}).get("examples"):
            return True
    return False


def test_openapi_json_is_current() -> None:
    assert SPEC_FILE.read_text(encoding="utf-8") == render(), "run `make openapi` and commit"


def test_every_operation_has_an_id_a_tag_errors_and_examples() -> None:
    schemas = spec()["components"]["schemas"]
    ids = []
    for method, path, op in _operations():
        where = f"{method.upper()} {path}"
        ids.append(op["operationId"])
        assert len(op["tags"]) == 1, where
        statuses = {int(code) for code in op["responses"]}
        assert 500 in statuses, where
        for code, doc in op["responses"].items():
            if int(code) >= 400:
                ref = doc["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (where, code)
                assert _has_example(doc, schemas), (where, code)
            elif int(code) != 204:
                assert _has_example(doc, schemas) or path in ("/healthz", "/readyz"), (where, code)
        if "requestBody" in op:
            assert _has_example(op["requestBody"], schemas), where
        if path.startswith("/v1/"):
            assert {401, 422, 429, 503} <= statuses, where
            assert op.get("security") == [{"HTTPBearer": []}], where
    assert len(ids) == len(set(ids)) == 29
