"""The web dashboard in a real headless Chromium against the API, a scheduler and simulated
workers running as processes on the real Redis: sign-in, live rows, filters, a job's detail,
cancel, retry, requeue, a refused token, and every view at 1280x800 and on a phone-sized
screen, with screenshots under test-output/<test>/."""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from qgjob_store import CancelOutcome, JobStore, Store
from tests.support.browser import (
    NARROW,
    WIDE,
    accessibility_problems,
    script_errors,
    set_viewport,
    start_chromium,
    waiter,
)
from tests.support.platform import ADMIN_TOKEN, Platform
from tests.support.processes import Service
from tests.support.redis_server import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
ORG = "acme"
TERMINAL = {"passed", "failed", "dead", "cancelled"}
FAST = {
    "QGJOB_RETRY_BASE_S": "0.05",
    "QGJOB_RETRY_CAP_S": "0.2",
    "QGJOB_HEARTBEAT_INTERVAL_S": "0.3",
    "QGJOB_SSE_KEEPALIVE_S": "5",
}


@dataclass
class Site:
    """The platform the dashboard talks to, and an org token of ``acme``."""

    platform: Platform
    token: str
    artifact_dir: Path
    workers: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        return self.platform.api_url

    def client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def submit(self, test_path: str, **fields: Any) -> str:
        body = {"app_version_id": "v1", "test_path": test_path, **fields}
        with self.client() as c:
            r = c.post("/v1/jobs", json=body)
        assert r.status_code == 201, r.text
        job_id: str = r.json()["id"]
        return job_id

    def job(self, job_id: str) -> dict[str, Any]:
        with self.client() as c:
            r = c.get(f"/v1/jobs/{job_id}")
        assert r.status_code == 200, r.text
        job: dict[str, Any] = r.json()
        return job

    def wait_status(self, job_id: str, *statuses: str, timeout: float = 30) -> dict[str, Any]:
        return wait_until(
            lambda: (job := self.job(job_id))["status"] in statuses and job,
            timeout=timeout,
            interval=0.1,
            what=f"job {job_id} to be {statuses}",
        )

    def ensure_worker(self, target: str) -> None:
        if target not in self.workers:
            self.platform.start_worker(target)
            self.platform.wait_for_workers([f"{target}-1"])
            self.workers.add(target)


def make_token(platform: Platform, org: str) -> str:
    with platform.client(timeout=10) as c:
        r = c.post("/v1/admin/tokens", json={"org_id": org, "name": "dashboard"})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


@pytest.fixture(scope="module")
def site(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """API, scheduler and an emulator worker; more workers start when a test needs them."""
    log_dir = Path("test-output") / "test_dashboard-platform"
    log_dir.mkdir(parents=True, exist_ok=True)
    artifacts = tmp_path_factory.mktemp("artifacts")
    env = {**FAST, "QGJOB_ARTIFACT_DIR": str(artifacts)}
    platform = Platform(redis_url, f"t{uuid.uuid4().hex[:12]}", log_dir, env)
    try:
        platform.start_api()
        platform.start_scheduler()
        site = Site(platform, make_token(platform, ORG), artifacts)
        site.ensure_worker("emulator")
        yield site
    finally:
        platform.stop_all()


@pytest.fixture(scope="module")
def browser(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One Chromium for the module, closed before the platform stops (an open event stream
    would hold the API's shutdown for its grace period)."""
    logs = Path("test-output") / "test_dashboard-browser"
    logs.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium") / "profile"
    driver = start_chromium(profile, logs / "chromedriver.log")
    try:
        yield driver
    finally:
        driver.quit()


class Dashboard:
    """The dashboard as a person uses it: pages, clicks, keys and what is on the screen."""

    def __init__(self, driver: WebDriver, url: str, out_dir: Path) -> None:
        self.driver, self.url, self.out_dir = driver, url, out_dir
        self.loads = 0

    def load(self, hash_path: str = "") -> None:
        """A full page load (a fresh document) showing ``hash_path``."""
        self.loads += 1
        self.driver.get(f"{self.url}/ui/?load={self.loads}#{hash_path}")

    def go(self, hash_path: str) -> None:
        """Show a view in the same document, as a link to it would."""
        self.driver.execute_script("location.hash = arguments[0]", hash_path)
        self.wait().until(lambda d: self.find("#main h1").text.strip())

    def wait(self, timeout: float = 20) -> Any:
        return waiter(self.driver, timeout)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css: str, timeout: float = 20) -> WebElement:
        try:
            element: WebElement = self.wait(timeout).until(
                ec.visibility_of_element_located((By.CSS_SELECTOR, css))
            )
        except TimeoutException:
            shot = self.screenshot("not-shown")
            raise AssertionError(f"{css} not shown within {timeout} s; see {shot}") from None
        return element

    def sign_in(self, token: str) -> None:
        self.visible("#token-input").send_keys(token, Keys.ENTER)
        self.visible("#app-screen")
        self.wait().until(lambda d: self.find("#live-indicator").text.strip() == "Live")

    def nav(self, label: str) -> None:
        """Go to a view with the keyboard: focus its link in the navigation, press Enter."""
        link = self.find(f".sidenav a[data-view='{label}']")
        self.driver.execute_script("arguments[0].focus()", link)
        link.send_keys(Keys.ENTER)
        self.wait().until(lambda d: link.get_attribute("aria-current") == "page")

    def heading(self) -> str:
        return self.find("#main h1").text.strip()

    def row(self, job_id: str) -> WebElement:
        return self.visible(f"tr[data-job-id='{job_id}']")

    def row_status(self, job_id: str) -> str | None:
        rows = self.all(f"tr[data-job-id='{job_id}']")
        return rows[0].get_attribute("data-status") if rows else None

    def rows(self) -> list[tuple[str, str]]:
        """(job id, status) of every row of the jobs table, read in one go."""
        rows: list[list[str]] = self.driver.execute_script(
            "return [...document.querySelectorAll('#jobs-table tbody tr')]"
            ".map((tr) => [tr.dataset.jobId, tr.dataset.status])"
        )
        return [(job_id, status) for job_id, status in rows]

    def same_document(self) -> bool:
        return bool(self.driver.execute_script("return window.__sameDocument === true"))

    def mark_document(self) -> None:
        self.driver.execute_script("window.__sameDocument = true")

    def record_row_statuses(self) -> None:
        """Keep every status each job row shows, in order, as the page changes it."""
        self.driver.execute_script(
            """
            window.__statuses = {};
            const note = (id, status) => {
              const seen = (window.__statuses[id] = window.__statuses[id] || []);
              if (status && seen[seen.length - 1] !== status) seen.push(status);
            };
            new MutationObserver((records) => {
              // a status change gives the status before it; a row added and not changed
              // since shows its first status now
              const added = new Set();
              const changed = new Set();
              for (const r of records) {
                for (const n of r.addedNodes || []) {
                  if (n.dataset && n.dataset.jobId) added.add(n);
                }
                if (r.type === 'attributes') {
                  changed.add(r.target);
                  note(r.target.dataset.jobId, r.oldValue);
                }
              }
              for (const n of added) if (!changed.has(n)) note(n.dataset.jobId, n.dataset.status);
            }).observe(document.body, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['data-status'], attributeOldValue: true});
            """
        )

    def statuses_shown(self, job_id: str) -> list[str]:
        seen: list[str] = self.driver.execute_script(
            "return (window.__statuses[arguments[0]] || []).slice()", job_id
        )
        now = self.row_status(job_id)
        return seen if not now or (seen and seen[-1] == now) else [*seen, now]

    def screenshot(self, name: str) -> Path:
        path = self.out_dir / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def check_accessible(self, where: str) -> None:
        problems = accessibility_problems(self.driver)
        assert problems == [], f"{where}: {problems}"
        assert script_errors(self.driver) == [], where


@pytest.fixture
def page(browser: WebDriver, site: Site, out_dir: Path) -> Iterator[Dashboard]:
    """The dashboard at 1280x800 in a tab with nothing signed in."""
    set_viewport(browser, *WIDE)
    dash = Dashboard(browser, site.url, out_dir)
    browser.get(f"{site.url}/healthz")
    browser.execute_script("sessionStorage.clear()")
    script_errors(browser)  # start with an empty console
    yield dash
    if browser.current_url.startswith("http"):
        browser.execute_script("sessionStorage.clear()")
    browser.get("about:blank")  # closes the page's event stream


def test_a_wrong_token_is_refused_with_an_error(page: Dashboard, site: Site) -> None:
    page.driver.get(site.url + "/")  # the API's root leads to the dashboard
    page.wait().until(lambda d: d.current_url.startswith(f"{site.url}/ui/"))
    page.visible("#token-input")
    assert page.driver.title == "Sign in · qgjob"
    page.check_accessible("sign-in")
    page.screenshot("signin-1280x800")

    page.find("#token-input").send_keys("qgj_not-a-real-token", Keys.ENTER)
    error = page.wait().until(lambda d: page.find("#signin-error").text.strip())
    assert "refused" in error and "invalid or revoked token" in error
    assert page.find("#token-input").get_attribute("aria-invalid") == "true"
    assert page.find("#signin-error").get_attribute("role") == "alert"
    assert not page.find("#app-screen").is_displayed()
    assert page.driver.execute_script("return sessionStorage.getItem('qgjob.token')") is None
    page.screenshot("signin-refused-1280x800")
    set_viewport(page.driver, *NARROW)
    page.check_accessible("sign-in refused, narrow")
    page.screenshot("signin-refused-390x844")

    # the right token gets in, and is kept for this tab only
    page.find("#token-input").clear()
    page.sign_in(site.token)
    assert page.driver.execute_script("return sessionStorage.getItem('qgjob.token')") == site.token
    assert page.find("#identity").text == f"Org {ORG}"

    # signing out forgets the token; the operator token sees every org
    page.find("#signout-button").click()
    page.visible("#token-input")
    assert page.driver.execute_script("return sessionStorage.getItem('qgjob.token')") is None
    page.sign_in(ADMIN_TOKEN)
    assert page.find("#identity").text == "Operator (all orgs)"
    page.nav("jobs")
    job_id = site.submit("tests/operator_view.spec.js")
    org_cell = f"tr[data-job-id='{job_id}'] td[data-label='Org']"  # rows are cards here
    page.wait().until(lambda d: page.find(org_cell).text == ORG)


def test_a_job_goes_from_queued_to_passed_without_a_reload(page: Dashboard, site: Site) -> None:
    page.load("/overview")
    page.sign_in(site.token)
    page.nav("jobs")
    assert page.heading() == "Jobs"
    page.visible("#jobs-summary")
    page.mark_document()
    page.record_row_statuses()

    # no browserstack worker runs yet: the job waits in the queue, shown as it is queued
    job_id = site.submit("tests/live_login.spec.js", app_version_id="live-1", target="browserstack")
    page.row(job_id)
    page.wait().until(lambda d: page.row_status(job_id) == "scheduled")
    page.wait().until(lambda d: "tests/live_login.spec.js" in page.row(job_id).text)
    assert "live-1" in page.row(job_id).text
    page.screenshot("jobs-waiting-1280x800")

    site.ensure_worker("browserstack")
    page.wait(30).until(lambda d: page.row_status(job_id) == "passed")
    shown = page.statuses_shown(job_id)
    assert shown[0] == "queued" and shown[-1] == "passed", shown
    assert shown.index("scheduled") < shown.index("running") < shown.index("passed"), shown
    assert page.same_document(), "the page was reloaded"
    assert "browserstack-1" in page.row(job_id).text
    page.screenshot("jobs-passed-live-1280x800")
    page.check_accessible("jobs")


def test_filters_narrow_the_jobs(page: Dashboard, site: Site) -> None:
    passing = site.submit("tests/filter_login.spec.js", app_version_id="filter-a")
    failing = site.submit("tests/fail_filter_cart.spec.js", app_version_id="filter-a")
    other = site.submit("tests/filter_search.spec.js", app_version_id="filter-b")
    for job_id in (passing, failing, other):
        site.wait_status(job_id, *TERMINAL)

    page.load("/jobs")
    page.sign_in(site.token)
    page.row(other)
    Select(page.find("#filter-status")).select_by_value("failed")
    page.wait().until(lambda d: page.row_status(passing) is None and page.row_status(failing))
    assert {status for _, status in page.rows()} == {"failed"}
    assert "status=failed" in page.driver.current_url
    assert "filtered by status failed" in page.find("#jobs-summary").text

    Select(page.find("#filter-status")).select_by_value("")
    version = page.find("#filter-app-version")
    version.send_keys("filter-b", Keys.ENTER)
    page.wait().until(lambda d: page.row_status(other) and page.row_status(failing) is None)
    assert page.rows() == [(other, "passed")]
    assert "app_version_id=filter-b" in page.driver.current_url
    page.screenshot("jobs-filtered-1280x800")

    Select(page.find("#filter-target")).select_by_value("device")
    page.wait().until(lambda d: "no job matches" in page.find("#jobs-summary").text)
    assert page.rows() == []
    page.find("button[type=reset]").click()
    page.wait().until(lambda d: page.row_status(passing) is not None)
    assert page.driver.current_url.endswith("#/jobs")


def test_a_jobs_detail_downloads_an_artifact_and_retries(
    page: Dashboard, site: Site, tmp_path: Path
) -> None:
    job_id = site.submit("tests/fail_checkout.spec.js", app_version_id="detail-1")
    site.wait_status(job_id, "failed")
    log = site.artifact_dir / job_id / "attempt-1" / "run-1" / "log.txt"
    log.parent.mkdir(parents=True)
    log.write_text("checkout: expected the total to be 42\n")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    page.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )

    page.load("/jobs")
    page.sign_in(site.token)
    page.find(f"a[aria-label='Job {job_id}']").click()
    page.wait().until(lambda d: job_id in page.heading())
    status = page.find("#job-status")
    assert status.get_attribute("role") == "status" and "failed" in status.text
    timeline = page.wait().until(
        lambda d: (
            (items := page.all("#job-timeline li"))
            and items[-1].text.startswith("failed")
            and [i.get_attribute("data-status") for i in items]
        )
    )
    assert timeline == ["queued", "scheduled", "running", "failed"]
    page.wait().until(
        lambda d: "simulated run tests/fail_checkout.spec.js" in page.find("#job-log").text
    )
    details = page.find("#main").text
    assert "detail-1" in details and "emulator-1" in details and "1 of 3" in details
    page.visible("#job-artifacts button").click()
    wait_until((downloads / "log.txt").exists, timeout=10, what="the download")
    assert (downloads / "log.txt").read_text() == log.read_text()
    page.screenshot("job-failed-1280x800")
    page.check_accessible("job detail")

    page.find("#job-actions .button.primary").click()  # Retry (submit again)
    page.wait().until(lambda d: job_id not in page.heading() and "#/jobs/" in d.current_url)
    again = page.driver.current_url.rsplit("/", 1)[1]
    page.wait(30).until(lambda d: "failed" in page.find("#job-status").text)
    retried = site.job(again)
    assert (retried["test_path"], retried["app_version_id"]) == (
        "tests/fail_checkout.spec.js",
        "detail-1",
    )


def test_cancel_a_queued_job_and_resume_after_an_api_restart(
    platform: Platform, page: Dashboard
) -> None:
    """With no scheduler running, jobs stay queued: one is cancelled from its page. Then the
    API restarts while the jobs list is open; a job cancelled meanwhile (by another API
    replica, here straight in the store) turns cancelled once the feed resumes."""
    platform.start_api_with(FAST)
    token = make_token(platform, ORG)
    auth = {"Authorization": f"Bearer {token}"}

    def submit(test_path: str) -> str:
        with httpx.Client(base_url=platform.api_url, timeout=10) as c:
            r = c.post("/v1/jobs", json={"app_version_id": "v1", "test_path": test_path},
                       headers=auth)  # fmt: skip
        job_id: str = r.json()["id"]
        return job_id

    first, second = submit("tests/slow.spec.js"), submit("tests/later.spec.js")
    page.url = platform.api_url
    page.load(f"/jobs/{first}")
    page.sign_in(token)
    page.wait().until(lambda d: "queued" in page.find("#job-status").text)
    page.screenshot("job-queued-1280x800")

    cancel = page.find("#job-actions .button.danger")
    assert cancel.text == "Cancel job"
    cancel.send_keys(Keys.ENTER)
    page.wait().until(lambda d: "cancelled" in page.find("#job-status").text)
    assert page.find("#job-feedback").text == "Job cancelled."
    page.wait().until(lambda d: page.all("#job-timeline li[data-status='cancelled']"))
    assert page.all("#job-actions .button.danger") == []
    page.screenshot("job-cancelled-1280x800")
    with httpx.Client(base_url=platform.api_url, timeout=10) as c:
        job = c.get(f"/v1/jobs/{first}", headers=auth).json()
    assert job["status"] == "cancelled" and job["attempts"] == 0

    page.nav("jobs")
    page.wait().until(lambda d: page.row_status(second) == "queued")
    page.mark_document()
    api = platform.services["api"]
    assert api.stop() == 0
    page.wait().until(lambda d: page.find("#live-indicator").text == "Reconnecting…")

    async def cancel_in_store() -> None:
        store = Store.open(platform.redis_url, prefix=platform.prefix)
        try:
            assert await JobStore(store).cancel(second) is CancelOutcome.CANCELLED
        finally:
            await store.close()

    asyncio.run(cancel_in_store())
    api.start()
    wait_until(platform._api_ready, timeout=30, what="the API to be back")
    page.wait(30).until(lambda d: page.row_status(second) == "cancelled")
    assert page.find("#live-indicator").text == "Live"
    assert page.same_document(), "the page was reloaded"


def test_requeue_a_dead_letter(page: Dashboard, site: Site) -> None:
    job_id = site.submit("tests/infra_payments.spec.js", app_version_id="dlq-1", max_attempts=1)
    site.wait_status(job_id, "dead")

    page.load("/overview")
    page.sign_in(site.token)
    page.nav("dead-letters")
    rows = f"#dead-table tr[data-job-id='{job_id}']"
    row = page.visible(rows)
    assert "attempts_exhausted" in row.text and "simulated" in row.text
    assert "tests/infra_payments.spec.js" in row.text
    page.screenshot("dead-letters-1280x800")
    first_entry = row.get_attribute("data-entry-id")
    row.find_element(By.CSS_SELECTOR, f"button[aria-label='Requeue job {job_id}']").click()
    page.wait().until(lambda d: "requeued" in page.find("#dead-feedback").text)
    assert job_id in page.find("#dead-feedback").text

    def dead_entries() -> list[str]:
        with site.client() as c:
            entries = c.get("/v1/dead-letters").json()
        return [e["id"] for e in entries if e["job_id"] == job_id]

    # the job got a fresh attempt, ran again (an infrastructure error every time) and died:
    # it is listed once, by its new death, with one Requeue button
    wait_until(
        lambda: dead_entries() not in ([], [first_entry]),
        timeout=30,
        what="the requeued job to die again",
    )
    assert len(dead_entries()) == 1
    page.wait().until(
        lambda d: [r.get_attribute("data-entry-id") for r in page.all(rows)] == dead_entries()
    )
    (again,) = page.all(rows)
    assert len(again.find_elements(By.CSS_SELECTOR, "button[aria-label^='Requeue job']")) == 1
    page.check_accessible("dead letters")


def test_open_mode_needs_no_token(page: Dashboard) -> None:
    """``qgjob up`` without an operator token prints the dashboard's address, and the
    dashboard opens there without asking for a token, saying that anyone may act."""
    port = free_port()
    argv = [sys.executable, "-m", "qgjob_cli", "up", "--port", str(port)]
    env = {"QGJOB_ADMIN_TOKEN": "", "QGJOB_SIM_INSTALL_MS": "100", "QGJOB_SIM_TEST_MS": "30"}
    env["QGJOB_REDIS_URL"] = "memory://"  # embedded, whatever REDIS_URL the machine has
    up = Service("qgjob-up", argv, env, page.out_dir).start()
    try:
        shown = wait_until(
            lambda: re.search(r"dashboard: (\S+)", up.log_tail()), timeout=30, what="qgjob up"
        )
        url = shown.group(1)
        assert url == f"http://127.0.0.1:{port}/ui/"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            body = {"org_id": "qualgent", "app_version_id": "xyz123", "test_path": "tests/a.js"}
            job_id = c.post("/v1/jobs", json=body).json()["id"]
        page.driver.get(url + "#/jobs")
        page.visible("#app-screen")
        assert not page.find("#signin-screen").is_displayed()
        assert page.find("#identity").text == "Open mode"
        assert "QGJOB_ADMIN_TOKEN" in page.visible("#open-banner").text
        assert not page.find("#signout-button").is_displayed()
        page.wait(30).until(lambda d: page.row_status(job_id) == "passed")
        page.check_accessible("open mode")
        page.screenshot("jobs-open-mode-1280x800")
    finally:
        page.driver.get("about:blank")
        assert up.stop() == 0, up.log_tail()


def test_workers_view_shows_the_registry_live(page: Dashboard, site: Site) -> None:
    """The registry (``GET /v1/workers``): a worker busy with a group, then idle again once
    its job is cancelled, without a reload; installed versions are for operators' eyes."""
    site.ensure_worker("device")
    hang = site.submit("tests/hang_checkout.spec.js", app_version_id="workers-1")
    running = site.wait_status(hang, "running")
    page.load("/workers")
    page.sign_in(site.token)
    row = "#workers-table tr[data-worker-id='emulator-1']"
    page.wait().until(lambda d: "busy" in page.find(row).text)
    busy = page.find(row).text
    assert running["group_id"] in busy and "emulator" in busy and "shown to operators" in busy
    assert "idle" in page.find("#workers-table tr[data-worker-id='device-1']").text
    assert page.all("#workers-source") == []  # no note about a missing registry
    page.mark_document()
    page.check_accessible("workers")
    page.screenshot("workers-busy-1280x800")

    with site.client() as c:
        assert c.post(f"/v1/jobs/{hang}/cancel").status_code == 200
    page.wait(30).until(lambda d: "idle" in page.find(row).text)
    assert page.same_document()
    page.find("#signout-button").click()
    page.sign_in(ADMIN_TOKEN)
    page.nav("workers")
    page.wait().until(lambda d: "workers-1" in page.find(row).text)  # installed versions
    assert "idle" in page.find("ul.chips").text
    page.screenshot("workers-operator-1280x800")


def test_workers_view_says_why_a_worker_is_unhealthy(
    page: Dashboard, site: Site, tmp_path: Path
) -> None:
    """A worker whose device check fails (the adb driver given an adb that is not there: a
    real worker process, a real failure) shows the driver's reason under its state."""
    missing = tmp_path / "no-such-adb"
    worker = site.platform.start_worker(
        "device",
        9,
        env={"QGJOB_DRIVER": "adb", "QGJOB_ADB_SERIAL": "emulator-5554",
             "QGJOB_ADB_PATH": str(missing), "QGJOB_TEST_WORKDIR": str(tmp_path),
             "QGJOB_HEALTH_INTERVAL_S": "0.2"},
    )  # fmt: skip
    try:
        page.load("/workers")
        page.sign_in(ADMIN_TOKEN)
        row = "#workers-table tr[data-worker-id='device-9']"
        page.wait(30).until(lambda d: page.all(f"{row} .health-detail"))
        assert "unhealthy" in page.find(row).text
        detail = page.find(f"{row} .health-detail").text
        assert detail.startswith(f"cannot run '{missing}'"), detail
        page.screenshot("workers-unhealthy-1280x800")
    finally:
        assert worker.stop() == 0, worker.log_path.read_text()


def test_workers_view_without_the_registry(page: Dashboard, site: Site) -> None:
    """An API without ``GET /v1/workers`` (it answers 404, as before the registry existed):
    the view shows each worker as the groups and events tell, and says so. The page is
    given that 404 in place of the registry's answer; the rest talks to the real API."""
    script = page.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": """
            const realFetch = window.fetch;
            const missing = JSON.stringify({error: {code: "not_found", message: "Not Found",
                                                    details: []}, request_id: "r"});
            window.fetch = (url, init) => String(url) === "/v1/workers"
              ? Promise.resolve(new Response(missing, {status: 404,
                  headers: {"Content-Type": "application/json"}}))
              : realFetch(url, init);
            """
        },
    )
    try:
        site.wait_status(site.submit("tests/seen.spec.js", app_version_id="seen-1"), "passed")
        page.load("/workers")
        page.sign_in(site.token)
        note = page.visible("#workers-source").text
        assert "does not serve the worker registry" in note
        seen = page.visible("#workers-table tr[data-worker-id='emulator-1']").text
        assert "emulator" in seen and "seen-1" in seen
        assert "shown to operators" in page.find("#workers-body").text
        page.check_accessible("workers without the registry")
        page.screenshot("workers-without-registry-1280x800")
    finally:
        page.driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )


VIEWS: dict[str, tuple[str, ...]] = {
    # view: what shows that its data has arrived
    "overview": ("#overview-cards .stat-value", "figure.chart svg", ".hbar-list"),
    "jobs": ("#jobs-table tbody tr",),
    "suites": (".suite [role=progressbar]",),
    "groups": ("#groups-table tbody tr[data-group-id]", "#installs-done"),
    "workers": ("#workers-table tbody tr",),
    "dead-letters": ("#dead-table tbody tr",),
}


def test_every_view_at_both_sizes(page: Dashboard, site: Site) -> None:
    site.ensure_worker("device")
    with site.client() as c:
        suite = c.post(
            "/v1/suites",
            json={
                "app_version_id": "build-42",
                "name": "nightly",
                "tests": ["tests/login.spec.js", "tests/fail_search.spec.js", "tests/cart.spec.js"],
                "targets": ["emulator", "device"],
            },
        ).json()
    dead = site.submit("tests/infra_boot.spec.js", app_version_id="build-42", max_attempts=1)
    for job_id in [*suite["job_ids"], dead]:
        site.wait_status(job_id, *TERMINAL)
    one = suite["job_ids"][0]

    page.load("/overview")
    page.sign_in(site.token)
    for width, height in (WIDE, NARROW):
        set_viewport(page.driver, width, height)
        for view, ready in [*VIEWS.items(), (f"jobs/{one}", ("#job-timeline li",))]:
            page.go(f"/{view}")
            for css in ready:
                page.visible(css)
            name = "job" if view.startswith("jobs/") else view
            if view == "suites":
                page.wait().until(lambda d: "6/6" in page.find(".suite-counts").text)
                suite_text = page.find(".suite").text
                assert "nightly" in suite_text and "4 passed" in suite_text
                assert "2 failed" in suite_text and "all passed" not in suite_text
            if name == "job":
                page.wait().until(lambda d: page.all("#job-timeline li[data-status='passed']"))
            page.check_accessible(f"{view} at {width}×{height}")
            page.screenshot(f"{name}-{width}x{height}")
