"""Every response carries a request id, error bodies name it, and every log line of the
request is bound to it."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from tests.support.api import job_body, org_token


async def test_request_id_in_and_out(sapi: httpx.AsyncClient) -> None:
    acme = await org_token(sapi, "acme")
    mine = await sapi.get("/v1/jobs", headers={**acme, "X-Request-ID": "ci-1234"})
    assert mine.headers["X-Request-ID"] == "ci-1234"
    fresh = await sapi.get("/v1/jobs", headers=acme)
    assert len(fresh.headers["X-Request-ID"]) == 32
    weird = await sapi.get("/v1/jobs", headers={**acme, "X-Request-ID": "a b\tc"})
    assert weird.headers["X-Request-ID"] != "a b\tc"  # not echoed: replaced by a fresh id
    err = await sapi.get("/v1/jobs/NOPE", headers={**acme, "X-Request-ID": "req-404"})
    assert err.status_code == 404
    assert err.json()["request_id"] == "req-404" == err.headers["X-Request-ID"]
    unauth = await sapi.get("/v1/jobs", headers={"X-Request-ID": "req-401"})
    assert unauth.json()["request_id"] == "req-401"
    invalid = await sapi.post("/v1/jobs", json={"x": 1}, headers={**acme, "X-Request-ID": "r422"})
    assert invalid.json()["request_id"] == "r422"


async def test_every_log_line_of_a_request_has_its_id(sapi: httpx.AsyncClient) -> None:
    lines: list[dict[str, Any]] = []

    def keep(_: object, __: str, event: dict[str, Any]) -> dict[str, Any]:
        lines.append(dict(event))
        raise structlog.DropEvent

    acme = await org_token(sapi, "acme")
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, keep],
        cache_logger_on_first_use=False,
    )
    try:
        await sapi.post("/v1/jobs", json=job_body(), headers={**acme, "X-Request-ID": "req-7"})
        await sapi.get("/v1/jobs/NOPE", headers={**acme, "X-Request-ID": "req-8"})
    finally:
        structlog.reset_defaults()
    assert [(x["request_id"], x["status"], x["org_id"]) for x in lines] == [
        ("req-7", 201, "acme"),
        ("req-8", 404, "acme"),
    ]
    assert all(x["event"] == "request" for x in lines)
