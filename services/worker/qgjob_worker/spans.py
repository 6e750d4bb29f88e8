"""The worker's spans in each job's trace (see :mod:`qgjob_core.tracing`): the install a
group's jobs share, and each run of a job."""

from __future__ import annotations

from contextlib import AbstractContextManager

from opentelemetry.trace import Span

from qgjob_core import tracing
from qgjob_schemas import RunJob
from qgjob_store import Lease


def install_span(lease: Lease, pending: list[RunJob]) -> AbstractContextManager[Span | None]:
    """One install serves the group: a span in the first job's trace, linked to the traces of
    the others."""
    return tracing.job_span(
        "qgjob.worker.install",
        pending[0].traceparent,
        {"qgjob.group_id": lease.group_id, "qgjob.app_version_id": lease.app_version_id},
        [j.traceparent for j in pending[1:]],
    )


def run_span(job: RunJob, attempt: int, worker_id: str) -> AbstractContextManager[Span | None]:
    return tracing.job_span(
        "qgjob.worker.run",
        job.traceparent,
        {"qgjob.job_id": job.id, "qgjob.attempt": attempt, "qgjob.worker_id": worker_id},
    )
