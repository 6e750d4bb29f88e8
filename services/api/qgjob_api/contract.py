"""The finishing touches FastAPI cannot express that make ``openapi.json`` a good source for
client generators and lint-clean (redocly ``recommended``, spectral ``spectral:oas``): typed
event frames, a named upload body with a binary file, no anonymous inline schemas, and
``security: []`` on the public endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from qgjob_schemas import Job, JobEvent, Suite

EVENT_EXAMPLE = {
    "id": "1732795200000-0",
    "job_id": "01JDY4T6M3Q9W8K7R2N5P1X0AB",
    "org_id": "qualgent",
    "status": "running",
    "at": "2026-11-28T12:00:00Z",
}
FRAMES: dict[str, tuple[str, list[type[BaseModel]]]] = {
    # operation id: (frame schema name, what a frame's data may be)
    "streamEvents": ("JobEvent", [JobEvent]),
    "streamJobEvents": ("JobEventFrame", [JobEvent, Job]),
    "streamSuiteEvents": ("SuiteEventFrame", [JobEvent, Suite]),
}
FRAME_DOC = (
    "The `data:` of one server-sent event: a JobEvent (`id:` is its id), or in the first "
    "frame of a job or suite stream (`event: snapshot`) the current {what}."
)
UPLOAD_BODIES = {"Body_registerAppBuild": "AppBuildUpload"}


def _schemas_of(models: list[type[BaseModel]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out |= schema.pop("$defs", {})
        out[model.__name__] = schema
    return out


def _frames(spec: dict[str, Any], schemas: dict[str, Any]) -> None:
    for ops in spec["paths"].values():
        for op in ops.values():
            named = FRAMES.get(op.get("operationId", ""))
            if named is None:
                continue
            name, models = named
            for model_name, schema in _schemas_of(models).items():
                schemas.setdefault(model_name, schema)
            if len(models) > 1:
                schemas[name] = {
                    "oneOf": [{"$ref": f"#/components/schemas/{m.__name__}"} for m in models],
                    "title": name,
                    "description": FRAME_DOC.format(what=models[-1].__name__.lower()),
                }
            op["responses"]["200"]["content"]["text/event-stream"] = {
                "schema": {"$ref": f"#/components/schemas/{name}"},
                "example": EVENT_EXAMPLE,
            }


def _binary_files(body: dict[str, Any]) -> None:
    for prop in body.get("properties", {}).values():
        kinds = prop.get("anyOf", [prop])
        if any("contentMediaType" in k for k in kinds):
            prop.pop("anyOf", None)
            prop.update({"type": "string", "format": "binary"})


def _upload_bodies(spec: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Multipart bodies get a name (in the components, whether FastAPI put them there or
    the route wrote its body inline), and their file fields the binary string a generator
    turns into a file part (FastAPI writes a nullable ``contentMediaType`` string)."""
    for ops in spec["paths"].values():
        for op in ops.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                schema = media.get("schema", {})
                old = schema.get("$ref", "").rsplit("/", 1)[-1] or schema.get("title", "")
                new = UPLOAD_BODIES.get(old)
                if new is None:
                    continue
                body = schemas.pop(old, None) if "$ref" in schema else schema
                if body is None:
                    continue
                body["title"] = new
                _binary_files(body)
                schemas[new] = body
                media["schema"] = {"$ref": f"#/components/schemas/{new}"}


def _public_and_untitled(spec: dict[str, Any]) -> None:
    for ops in spec["paths"].values():
        for op in ops.values():
            op.setdefault("security", [])  # no token needed: said so, not left unsaid
            for doc in op.get("responses", {}).values():
                for media in doc.get("content", {}).values():
                    schema = media.get("schema", {})
                    if schema.get("type") == "array":
                        schema.pop("title", None)  # a list of a named model, not a new name


def polish(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    _frames(spec, schemas)
    _upload_bodies(spec, schemas)
    _public_and_untitled(spec)
    spec["components"]["schemas"] = dict(sorted(schemas.items()))
    return spec
