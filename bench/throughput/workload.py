"""What the bench submits, and the ways it can submit it.

The workload is a list of suites: one app version, many tests, one or more targets, as
``POST /v1/suites`` takes them. Until that endpoint exists the end-to-end run submits through
:class:`StoreBatchSubmitter` (``JobStore.submit``, the Lua call the API uses, 500 jobs per
call); once ``/openapi.json`` lists it, :func:`pick_submitter` sends the same suites through
:class:`SuiteApiSubmitter` instead, and the output says which was used. Only
:func:`suite_body` and :func:`suite_job_ids` depend on the endpoint's exact shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from qgjob_schemas import JobPayload, Priority, Target
from qgjob_store import JobStore, NewJob

TARGETS = [t.value for t in Target]
BATCH = 500
ORGS = 4
MAX_ATTEMPTS = 3
SUITES_PATH = "/v1/suites"


@dataclass(frozen=True)
class Suite:
    org_id: str
    app_version_id: str
    targets: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.targets) * len(self.tests)

    def payloads(self) -> Iterator[JobPayload]:
        for target in self.targets:
            for test in self.tests:
                yield JobPayload(
                    org_id=self.org_id,
                    app_version_id=self.app_version_id,
                    test_path=test,
                    target=Target(target),
                    priority=Priority.NORMAL,
                )


def plan(jobs: int, versions: int, *, tag: str = "e2e") -> list[Suite]:
    """``jobs`` jobs over ``versions`` app versions: one suite per version, on one target
    each (round robin), spread over a few orgs."""
    per_version, extra = divmod(jobs, versions)
    suites = []
    for v in range(versions):
        n = per_version + (1 if v < extra else 0)
        suites.append(
            Suite(
                org_id=f"org-{v % ORGS}",
                app_version_id=f"{tag}-v{v:04d}",
                targets=(TARGETS[v % len(TARGETS)],),
                tests=tuple(f"tests/{tag}/t{i:04d}.spec.js" for i in range(n)),
            )
        )
    return suites


def suite_body(suite: Suite) -> dict[str, Any]:
    """The request body of ``POST /v1/suites`` for one suite."""
    return {
        "org_id": suite.org_id,
        "app_version_id": suite.app_version_id,
        "targets": list(suite.targets),
        "tests": list(suite.tests),
    }


def suite_job_ids(reply: dict[str, Any]) -> list[str]:
    """The job ids in a ``POST /v1/suites`` reply."""
    ids = reply.get("job_ids") or [j["id"] for j in reply.get("jobs", [])]
    return [str(i) for i in ids]


class Submitter(Protocol):
    description: str

    def prepare(self, suites: Sequence[Suite]) -> None:
        """Build what will be sent (before the clock starts)."""
        ...

    async def submit(self) -> list[str]:
        """Submit every prepared job; return their ids."""
        ...


class StoreBatchSubmitter:
    """``JobStore.submit`` (the API's submit script) in batches of :data:`BATCH` jobs."""

    description = (
        f"qgjob_store.JobStore.submit, {BATCH} jobs per call (the Lua call POST /v1/jobs "
        "makes; no batch endpoint yet)"
    )

    def __init__(self, jobs: JobStore) -> None:
        self.jobs = jobs
        self.batches: list[list[NewJob]] = []

    def prepare(self, suites: Sequence[Suite]) -> None:
        prepared = [self.jobs.prepare(p, MAX_ATTEMPTS) for s in suites for p in s.payloads()]
        self.batches = [prepared[i : i + BATCH] for i in range(0, len(prepared), BATCH)]

    async def submit(self) -> list[str]:
        ids: list[str] = []
        for batch in self.batches:
            ids += [j.id for j in await self.jobs.submit(batch)]
        return ids


class SuiteApiSubmitter:
    """``POST /v1/suites``, one request per suite."""

    description = f"POST {SUITES_PATH}, one request per suite"

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.bodies: list[dict[str, Any]] = []

    def prepare(self, suites: Sequence[Suite]) -> None:
        self.bodies = [suite_body(s) for s in suites]

    async def submit(self) -> list[str]:
        ids: list[str] = []
        for body in self.bodies:
            r = await self.http.post(SUITES_PATH, json=body)
            r.raise_for_status()
            ids += suite_job_ids(r.json())
        return ids


def pick_submitter(jobs: JobStore, http: httpx.AsyncClient, *, has_suites: bool) -> Submitter:
    """How the end-to-end run submits: through ``POST /v1/suites`` once the API has it (and
    takes :func:`suite_body`), through the store's batch call until then."""
    return SuiteApiSubmitter(http) if has_suites else StoreBatchSubmitter(jobs)


def suite_endpoint_problem(openapi: dict[str, Any]) -> str | None:
    """``None`` when ``POST /v1/suites`` exists and takes the body :func:`suite_body` builds;
    otherwise why the suite-submit row cannot be measured."""
    op = openapi.get("paths", {}).get(SUITES_PATH, {}).get("post")
    if op is None:
        return "no endpoint"
    ref = (
        op.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
    )
    schema = openapi.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    known = set(schema.get("properties", {}))
    unknown = set(suite_body(plan(1, 1)[0])) - known
    if known and unknown:
        return f"the endpoint takes {sorted(known)}; adapt bench.throughput.workload.suite_body"
    return None
