"""What ``qgjob wait`` follows: one job or a suite's jobs, with the latest state of each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from qgjob_cli.client import ApiClient, ApiError
from qgjob_core.junit import Kind, ReportSubject
from qgjob_schemas import TERMINAL_STATUSES, Job, JobEvent, JobPage, JobStatus, Suite

PAGE = 500
MAX_PAGES = 20
CLOCK_MARGIN = timedelta(seconds=60)


@dataclass(kw_only=True)
class Tracked(ReportSubject):
    """A job or suite being followed (what its report is of, and the state of its jobs)."""

    job_ids: list[str]
    targets: list[str] = field(default_factory=list)
    jobs: dict[str, Job] = field(default_factory=dict)
    """The latest record read of each job (test path, target, result)."""
    status: dict[str, JobStatus] = field(default_factory=dict)
    """The latest status of each job, from records and events."""
    suite_counts: dict[str, int] = field(default_factory=dict)
    """A suite's counts by status as the API last gave them."""
    suite_finished: bool = False
    dashboard_path: str = ""
    """A suite's page in the dashboard, relative to the API's address (as the API names it)."""
    counts_from_suite: bool = False
    """Whether the suite's own counts are newer than the jobs' statuses (before the jobs
    are read, and while polling)."""

    @classmethod
    def of_suite(cls, suite: Suite) -> Tracked:
        return cls(
            kind="suite",
            id=suite.id,
            org_id=suite.org_id,
            app_version_id=suite.app_version_id,
            created_at=suite.created_at,
            job_ids=list(suite.job_ids),
            name=suite.name,
            targets=[t.value for t in suite.targets],
            suite_counts={s.value: n for s, n in suite.counts.items()},
            suite_finished=suite.finished,
            dashboard_path=suite.dashboard_path,
            counts_from_suite=True,
        )

    @classmethod
    def of_job(cls, job: Job) -> Tracked:
        tracked = cls(
            kind="job",
            id=job.id,
            org_id=job.org_id,
            app_version_id=job.app_version_id,
            created_at=job.created_at,
            job_ids=[job.id],
            targets=[job.target.value],
        )
        tracked.remember([job])
        return tracked

    @property
    def total(self) -> int:
        return len(self.job_ids)

    @property
    def events_path(self) -> str:
        return f"/v1/{self.kind}s/{self.id}/events"

    @property
    def path(self) -> str:
        return f"/v1/{self.kind}s/{self.id}"

    def remember(self, jobs: list[Job]) -> None:
        for job in jobs:
            self.jobs[job.id] = job
            self.status[job.id] = job.status

    def read_all(self, jobs: list[Job]) -> None:
        """Every job's record, just read: their statuses are the newest."""
        self.remember(jobs)
        self.counts_from_suite = False

    def apply(self, event: JobEvent) -> bool:
        """Take an event in; whether it changed a job's status."""
        if event.job_id not in self.status and event.job_id not in self.job_ids:
            return False
        changed = self.status.get(event.job_id) != event.status
        self.status[event.job_id] = event.status
        if len(self.status) >= self.total:
            self.counts_from_suite = False  # every job's status is known, and newer
        return changed

    def update_from(self, data: dict[str, object]) -> None:
        """Take in the suite or job as ``GET`` (or a stream's snapshot) gives it."""
        if self.kind == "suite":
            suite = Suite.model_validate(data)
            self.suite_counts = {s.value: n for s, n in suite.counts.items()}
            self.suite_finished = suite.finished
            self.counts_from_suite = True
        else:
            self.remember([Job.model_validate(data)])

    def counts(self) -> Counter[str]:
        if self.counts_from_suite:
            return Counter(self.suite_counts)
        counts: Counter[str] = Counter(
            self.status[j].value for j in self.job_ids if j in self.status
        )
        unseen = self.total - sum(counts.values())
        if unseen > 0:
            counts[JobStatus.QUEUED.value] += unseen
        return counts

    def done(self) -> int:
        counts = self.counts()
        return sum(counts[s.value] for s in TERMINAL_STATUSES)

    def finished(self) -> bool:
        if self.counts_from_suite:
            return self.suite_finished
        return self.done() >= self.total

    def latest_jobs(self) -> list[Job]:
        """Every job read, with the newest status known (an event may be newer than the
        record last read): what reports are made of."""
        out = []
        for job_id in self.job_ids:
            job = self.jobs.get(job_id)
            if job is None:
                continue
            status = self.status.get(job_id, job.status)
            out.append(job if job.status is status else job.model_copy(update={"status": status}))
        return out

    def unfinished(self) -> list[str]:
        return [j for j in self.job_ids if self.status.get(j) not in TERMINAL_STATUSES]


def fetch(client: ApiClient, ident: str) -> tuple[Kind, dict[str, Any]]:
    """The job or suite with this id, as the API gives it (suite ids start with ``s``; the
    other kind is tried when the first is not found)."""
    kinds: list[Kind] = ["suite", "job"] if ident.startswith("s") else ["job", "suite"]
    missing: ApiError | None = None
    for kind in kinds:
        try:
            return kind, client.json("GET", f"/v1/{kind}s/{ident}")
        except ApiError as exc:
            if exc.status != 404:
                raise
            missing = missing or exc
    raise ApiError(404, f"no job or suite {ident}", "not_found") from missing


def tracked_of(kind: Kind, data: dict[str, Any]) -> Tracked:
    if kind == "suite":
        return Tracked.of_suite(Suite.model_validate(data))
    return Tracked.of_job(Job.model_validate(data))


def resolve(client: ApiClient, ident: str) -> Tracked:
    return tracked_of(*fetch(client, ident))


def read_jobs(client: ApiClient, tracked: Tracked) -> None:
    """Read every job record of ``tracked`` again: for a suite, pages of the app version's
    jobs (newest first, down to the suite's creation), then one by one what they missed."""
    if tracked.kind == "job":
        tracked.read_all([Job.model_validate(client.json("GET", tracked.path))])
        return
    wanted = set(tracked.job_ids)
    found: dict[str, Job] = {}
    floor = tracked.created_at - CLOCK_MARGIN
    params: dict[str, str | int] = {
        "app_version_id": tracked.app_version_id,
        "org_id": tracked.org_id,
        "limit": PAGE,
    }
    for _ in range(MAX_PAGES):
        page = JobPage.model_validate(client.json("GET", "/v1/jobs", params=params))
        found.update((j.id, j) for j in page.items if j.id in wanted)
        if wanted <= found.keys() or not page.next_cursor:
            break
        if page.items and page.items[-1].created_at < floor:
            break
        params["cursor"] = page.next_cursor
    for job_id in tracked.job_ids:
        if job_id not in found:
            found[job_id] = Job.model_validate(client.json("GET", f"/v1/jobs/{job_id}"))
    tracked.read_all([found[j] for j in tracked.job_ids])
