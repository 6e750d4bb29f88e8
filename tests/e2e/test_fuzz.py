"""Schemathesis over the spec against the API as a real process on a real Redis: no 5xx,
and every response (status, content type, headers, body) conforms to the spec."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qgjob_api.openapi import spec
from tests.support.api import ADMIN
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e
EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The live stream of every event never ends by itself; its frames are tested in
# tests/integration/test_events.py.
schema = schemathesis.openapi.from_dict(spec()).exclude(path="/v1/events")
TALLY: dict[str, Any] = {"examples": 0, "operations": set(), "statuses": {}}


@pytest.fixture(scope="module")
def fuzz_api(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_dir = tmp_path_factory.mktemp("fuzz")
    platform = Platform(
        redis_url,
        "fuzz",
        log_dir,
        {
            "QGJOB_ADMIN_TOKEN": ADMIN["Authorization"].removeprefix("Bearer "),
            "QGJOB_RATE_LIMIT_PER_S": "0",
            "QGJOB_SSE_KEEPALIVE_S": "0.2",
        },
    )
    platform.start_api()
    try:
        yield platform.api_url
    finally:
        codes = platform.stop_all()
        out = Path("test-output") / "fuzz.json"
        out.parent.mkdir(exist_ok=True)
        summary = {
            "operations": len(TALLY["operations"]),
            "examples": TALLY["examples"],
            "statuses": TALLY["statuses"],
            "api_exit_code": codes.get("api"),
        }
        out.write_text(json.dumps(summary, indent=2))
        print(f"schemathesis: {summary}")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms(case: schemathesis.Case, fuzz_api: str) -> None:
    response = case.call(base_url=fuzz_api, headers=ADMIN, timeout=10)
    TALLY["examples"] += 1
    TALLY["operations"].add(case.operation.label)
    TALLY["statuses"][str(response.status_code)] = (
        TALLY["statuses"].get(str(response.status_code), 0) + 1
    )
    case.validate_response(response, checks=CHECKS)
