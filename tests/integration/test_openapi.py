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
    assert len(ids) == len(set(ids)) == 33


def test_event_streams_name_their_frames() -> None:
    paths = spec()["paths"]
    frames = {
        "/v1/events": "JobEvent",
        "/v1/jobs/{job_id}/events": "JobEventFrame",
        "/v1/suites/{suite_id}/events": "SuiteEventFrame",
    }
    schemas = spec()["components"]["schemas"]
    for path, name in frames.items():
        media = paths[path]["get"]["responses"]["200"]["content"]["text/event-stream"]
        assert media["schema"] == {"$ref": f"#/components/schemas/{name}"}, path
    assert [r["$ref"] for r in schemas["JobEventFrame"]["oneOf"]] == [
        "#/components/schemas/JobEvent",
        "#/components/schemas/Job",
    ]
    assert schemas["SuiteEventFrame"]["oneOf"][1] == {"$ref": "#/components/schemas/Suite"}
    assert set(schemas["JobEvent"]["required"]) == {"id", "job_id", "org_id", "status", "at"}


def test_no_anonymous_schemas_and_a_named_upload_body() -> None:
    doc = spec()
    text = render()
    assert '"title": "Response ' not in text and "Body_" not in text
    upload = doc["paths"]["/v1/apps/{app_version_id}"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"] == {
        "$ref": "#/components/schemas/AppBuildUpload"
    }
    file_field = doc["components"]["schemas"]["AppBuildUpload"]["properties"]["file"]
    assert (file_field["type"], file_field["format"]) == ("string", "binary")


def test_the_spec_declares_servers_license_contact_tags_and_public_endpoints() -> None:
    doc = spec()
    assert doc["servers"][0]["url"].startswith("http://127.0.0.1:")
    assert doc["info"]["license"]["identifier"] == "Apache-2.0"
    assert doc["info"]["contact"]["name"]
    declared = {t["name"] for t in doc["tags"]}
    for _, path, op in _operations():
        assert set(op["tags"]) <= declared, path
        if not path.startswith("/v1/"):
            assert op["security"] == [], path


async def test_a_probe_with_an_oversized_body_is_refused_with_413() -> None:
    """The 4xx the probes document: the body limit applies to every request."""
    import httpx

    from qgjob_api.app import create_app
    from qgjob_api.settings import ApiSettings

    app = create_app(ApiSettings(redis_url="memory://probe", max_body_bytes=1024))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        r = await c.request("GET", "/healthz", content=b"x" * 2048)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
