"""The dashboard's job view shows a job's duration as the CLI does (all runs, and the last),
in a real headless Chromium against a live platform (the fixtures of test_dashboard)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qgjob_cli.main import app
from qgjob_cli.output import run_time
from qgjob_schemas import JobResult
from tests.e2e.test_dashboard import Dashboard, Site, browser, page, site  # noqa: F401

pytestmark = pytest.mark.e2e


def test_the_job_view_and_the_cli_show_one_duration(page: Dashboard, site: Site) -> None:  # noqa: F811 (the fixtures imported above)
    job_id = site.submit("tests/flaky_pay@300ms.spec.js", flaky_retries=1, app_version_id="dur")
    job = site.wait_status(job_id, "passed")
    result = JobResult.model_validate(job["result"])
    assert job["flaky"] is True and result.runs == 2 and result.total_s > result.duration_s
    shown = run_time(result)  # e.g. "612 ms (2 runs, last 306 ms)"
    env = {"QGJOB_API_URL": site.url, "QGJOB_TOKEN": site.token}
    status = CliRunner().invoke(app, ["status", job_id], env=env)
    assert f"ran {shown}, flaky: passed after 2 runs" in status.stdout

    page.load(f"/jobs/{job_id}")
    page.sign_in(site.token)
    page.wait().until(lambda d: job_id in page.heading())
    page.wait().until(lambda d: "Duration" in page.find("#main").text)
    text = page.find("#main").text
    assert f"Duration\n{shown}" in text or f"Duration {shown}" in text, text
    page.screenshot("job-duration-1280x800")
