"""The finished jobs whose memory is measured: suites of ``suite_size`` tests over
``versions`` app versions, spread over the throughput bench's orgs and targets, submitted
through ``POST /v1/suites`` (or the store's batch call while the API has none)."""

from __future__ import annotations

from bench.throughput.workload import ORGS, TARGETS, Suite


def suites(jobs: int, suite_size: int, versions: int, *, tag: str = "mem") -> list[Suite]:
    """``jobs`` jobs in suites of ``suite_size`` (the last one smaller), suite ``i`` on app
    version ``i % versions``, one target each (round robin by version); every suite runs
    the same test files, as a team's suite does on each build (the learned durations per
    test then grow with the tests, not with the jobs)."""
    out = []
    for i, start in enumerate(range(0, jobs, suite_size)):
        v = i % versions
        n = min(suite_size, jobs - start)
        out.append(
            Suite(
                org_id=f"org-{v % ORGS}",
                app_version_id=f"{tag}-v{v:04d}",
                targets=(TARGETS[v % len(TARGETS)],),
                tests=tuple(f"tests/{tag}/t{t:03d}.spec.js" for t in range(n)),
            )
        )
    return out
