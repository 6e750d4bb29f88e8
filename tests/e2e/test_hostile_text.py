"""Every text a client can send, hostile, never makes the API answer 5xx.

The inputs are read from the API's own OpenAPI spec, so a field or parameter added later is
covered without touching this file: every string property of every request body (JSON and
multipart, array items included, a file part's name too) and every string path, query and
header parameter. Each gets NUL, lone surrogates, C0 and C1 controls, bidirectional
overrides, 10,000-character strings and mixtures of them, the rest of the request being a
valid one (real ids of a job, a suite, a build and a token of the running API).
JSON bodies are sent as bytes with ``\\ud800``-style escapes (httpx cannot encode a lone
surrogate); URLs and form fields carry the surrogate-escaped UTF-8 bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qgjob_api.openapi import spec
from tests.support.api import ADMIN
from tests.support.platform import Platform

# a 10,000-character example makes Hypothesis warn about the size of its own report
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]
SPEC = spec()
SPECIALS = [
    "\x00",
    "\ud800",
    "\udfff",
    "\ud83d",  # the first half of an emoji's surrogate pair, alone
    "\x1b[31m",
    "\x07",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u2066",
    "\u200f",
    "\r\n",
    "/../..",
    "%00",
]
HOSTILE = st.one_of(
    st.sampled_from(SPECIALS),
    st.builds(
        lambda a, special, b: a + special + b,
        st.text(max_size=12),
        st.sampled_from(SPECIALS),
        st.text(max_size=12),
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "\u202e", "\x00"]), st.just(10_000)),
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Zl"]), max_size=40),
)


@dataclass(frozen=True)
class Input:
    """One string a client controls: ``where`` is path, query, header, json or form."""

    method: str
    path: str
    where: str
    name: str
    media: str = ""

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}:{self.name}"


def _is_string(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "string" for o in options)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    name = ref.rsplit("/", 1)[-1]
    return dict(SPEC["components"]["schemas"][name])


def _body_fields(schema: dict[str, Any]) -> Iterator[str]:
    for name, prop in _resolve(schema).get("properties", {}).items():
        items = prop.get("items") or next(
            (o["items"] for o in prop.get("anyOf", []) if "items" in o), None
        )
        if _is_string(prop) or (items is not None and _is_string(items)):
            yield name


def inputs() -> list[Input]:
    found: list[Input] = []
    for path, ops in SPEC["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                if _is_string(p["schema"]):
                    found.append(Input(method.upper(), path, p["in"], p["name"]))
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                where = "json" if media == "application/json" else "form"
                for name in _body_fields(content["schema"]):
                    found.append(Input(method.upper(), path, where, name, media))
    return found


INPUTS = inputs()


def test_every_known_text_input_is_enumerated() -> None:
    """The enumeration reads the spec; if it stopped finding inputs, nothing would be tested."""
    names = {str(i) for i in INPUTS}
    for expected in [
        "POST /v1/jobs json:test_path",
        "POST /v1/jobs json:app_url",
        "POST /v1/suites json:tests",
        "POST /v1/suites json:name",
        "POST /v1/admin/tokens json:name",
        "POST /v1/apps/{app_version_id} form:file",
        "POST /v1/apps/{app_version_id} form:url",
        "GET /v1/jobs/{job_id}/artifacts/{path} path:path",
        "POST /v1/jobs header:Idempotency-Key",
        "GET /v1/jobs query:cursor",
    ]:
        assert expected in names


@pytest.fixture(scope="module")
def api(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    log_dir = tmp_path_factory.mktemp("hostile")
    platform = Platform(
        redis_url,
        "hostile",
        log_dir,
        {
            "QGJOB_RATE_LIMIT_PER_S": "0",
            "QGJOB_SSE_KEEPALIVE_S": "0.2",
            "QGJOB_BUILD_STORE_DIR": str(log_dir / "builds"),
            "QGJOB_ARTIFACT_DIR": str(log_dir / "artifacts"),
            "QGJOB_MAX_UNFINISHED_PER_ORG": "0",
        },
    )
    platform.start_api()
    try:
        yield platform
    finally:
        platform.stop_all()


@pytest.fixture(scope="module")
def client(api: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.api_url, headers=ADMIN, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def real_ids(client: httpx.Client) -> dict[str, str]:
    """Ids of records that exist, so each request gets past its lookups."""
    job = client.post(
        "/v1/jobs", json={"org_id": "acme", "app_version_id": "v1", "test_path": "t.spec.js"}
    )
    suite = client.post(
        "/v1/suites", json={"org_id": "acme", "app_version_id": "v1", "tests": ["a.spec.js"]}
    )
    build = client.post(
        "/v1/apps/v1", data={"org_id": "acme"}, files={"file": ("app.apk", b"PK\x03\x04x")}
    )
    token = client.post("/v1/admin/tokens", json={"org_id": "acme"})
    for r in (job, suite, build, token):
        assert r.status_code == 201, r.text
    return {
        "job_id": job.json()["id"],
        "suite_id": suite.json()["id"],
        "app_version_id": "v1",
        "token_id": token.json()["id"],
        "org_id": "acme",
        "path": "attempt-1/run-1/log.txt",
    }


def _example_body(media: str, op: dict[str, Any]) -> dict[str, Any]:
    content = op["requestBody"]["content"][media]
    if "example" in content:
        return dict(content["example"])
    schema = _resolve(content["schema"])
    return dict(schema["examples"][0])


def _raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _multipart(fields: dict[str, str], filename: str | None) -> tuple[bytes, str]:
    boundary = "hostile-boundary-7c1e"
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += _raw(value) + b"\r\n"
    if filename is not None:
        out += f"--{boundary}\r\n".encode()
        out += b'Content-Disposition: form-data; name="file"; filename="' + _raw(filename) + b'"'
        out += b"\r\nContent-Type: application/octet-stream\r\n\r\nPK\x03\x04x\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _request(client: httpx.Client, target: Input, value: str, ids: dict[str, str]) -> httpx.Request:
    op = SPEC["paths"][target.path][target.method.lower()]
    url = target.path
    for p in op.get("parameters", []):
        if p["in"] == "path":
            given_value = value if p["name"] == target.name else ids.get(p["name"], "x")
            url = url.replace("{" + p["name"] + "}", quote(_raw(given_value), safe=""))
    if target.where == "query":
        url += f"?{target.name}={quote(_raw(value), safe='')}"
    headers: dict[str, Any] = {}
    if target.where == "header":
        headers[target.name] = _raw(value)
    content: bytes | None = None
    if target.where == "json" or "application/json" in op.get("requestBody", {}).get("content", {}):
        body = _example_body("application/json", op)
        if target.where == "json":
            body[target.name] = [value] if isinstance(body.get(target.name), list) else value
        content, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
        fields = {"org_id": "acme"}
        filename: str | None = "app.apk"
        if target.where == "form" and target.name == "file":
            filename = value
        elif target.where == "form":
            fields[target.name], filename = value, None
        content, headers["Content-Type"] = _multipart(fields, filename)
    return client.build_request(target.method, url, headers=headers, content=content)


@pytest.mark.parametrize("target", INPUTS, ids=str)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=HOSTILE)
@example(value="t\ud800.js")
@example(value="a\x00b")
@example(value="\x85\u202e")
@example(value="x" * 10_000)
@example(value="a" * 300 + ".apk")
def test_hostile_text_never_gets_a_server_error(
    client: httpx.Client, real_ids: dict[str, str], target: Input, value: str
) -> None:
    try:
        request = _request(client, target, value, real_ids)
        response = client.send(request, stream=True)
    except (httpx.LocalProtocolError, httpx.InvalidURL):
        # a header value HTTP/1.1 cannot carry (CR, LF, NUL), or a URL over 64 KiB: no
        # client can send it, it never reaches the API
        return
    try:
        assert response.status_code < 500, (str(target), repr(value[:80]), response.read())
    finally:
        response.close()
