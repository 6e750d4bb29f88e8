"""One trace per job across processes: the API's request, the scheduler's grouping and
dispatch, the worker's install and run, exported over OTLP/HTTP by the real services (API,
scheduler and worker as processes on a real Redis) to a receiver in the test."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.support.otlp import OtlpReceiver, ReceivedSpan
from tests.support.platform import Platform
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

EXPECTED = {
    ("qgjob-api", "POST /v1/jobs"),
    ("qgjob-scheduler", "qgjob.scheduler.group"),
    ("qgjob-scheduler", "qgjob.scheduler.dispatch"),
    ("qgjob-worker", "qgjob.worker.install"),
    ("qgjob-worker", "qgjob.worker.run"),
}


def _submit(platform: Platform, app: str, headers: dict[str, str]) -> str:
    body = {"org_id": "acme", "app_version_id": app, "test_path": f"tests/{app}.spec.js"}
    with platform.client(timeout=10) as api:
        r = api.post("/v1/jobs", json=body, headers=headers)
    assert r.status_code == 201, r.text
    job_id: str = r.json()["id"]
    return job_id


def _trace_of(receiver: OtlpReceiver, job_id: str) -> str:
    """The trace id the worker's run of the job reported."""

    def found() -> str | None:
        for s in receiver.spans:
            if s.name == "qgjob.worker.run" and s.attributes.get("qgjob.job_id") == job_id:
                return s.trace_id
        return None

    trace_id: str = wait_until(found, timeout=30, what=f"the run span of {job_id}")
    return trace_id


def _complete(receiver: OtlpReceiver, trace_id: str) -> list[ReceivedSpan]:
    def spans() -> list[ReceivedSpan] | None:
        got = receiver.of_trace(trace_id)
        return got if {(s.service, s.name) for s in got} >= EXPECTED else None

    found: list[ReceivedSpan] = wait_until(spans, timeout=30, what=f"every span of {trace_id}")
    return found


def test_the_spans_of_one_job_form_one_trace(platform: Platform, out_dir: Path) -> None:
    with OtlpReceiver() as receiver:
        otel = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }
        platform.env.update(otel)
        platform.start_api()
        platform.start_scheduler()
        platform.start_worker("emulator")
        platform.wait_for_workers(["emulator-1"])

        # a caller that traces: the job's trace continues the caller's
        caller_trace, caller_span = secrets.token_hex(16), secrets.token_hex(8)
        traced = _submit(
            platform, "build-1", {"traceparent": f"00-{caller_trace}-{caller_span}-01"}
        )
        # a caller that does not: the job's trace starts at the API
        plain = _submit(platform, "build-2", {})

        assert _trace_of(receiver, traced) == caller_trace
        plain_trace = _trace_of(receiver, plain)
        assert plain_trace != caller_trace

        for job_id, trace_id, root_parent in (
            (traced, caller_trace, caller_span),
            (plain, plain_trace, ""),
        ):
            spans = _complete(receiver, trace_id)
            (out_dir / f"trace-{job_id}.json").write_text(
                json.dumps([asdict(s) for s in spans], indent=2)
            )
            ids = {s.span_id for s in spans}
            # one tree: every span's parent is in the trace, but the root's (the caller's)
            roots = [s for s in spans if s.parent_id not in ids]
            assert [(r.service, r.name, r.parent_id) for r in roots] == [
                ("qgjob-api", "POST /v1/jobs", root_parent)
            ]
            mine = [s for s in spans if s.name.startswith("qgjob.")]
            assert all(s.attributes.get("qgjob.job_id", job_id) == job_id for s in mine), mine
            run = next(s for s in spans if s.name == "qgjob.worker.run")
            assert run.attributes["qgjob.outcome"] == "passed"
            install = next(s for s in spans if s.name == "qgjob.worker.install")
            assert install.attributes["qgjob.installed"] is True
            # the redis instrumentation's spans are inside the job's trace (the submit
            # script, the worker's start and finish)
            redis_services = {s.service for s in spans if "redis" in s.scope}
            assert {"qgjob-api", "qgjob-worker"} <= redis_services

        # the services' background Redis commands (heartbeats, reads) are no trace of their own
        assert not [s for s in receiver.spans if "redis" in s.scope and not s.parent_id]
