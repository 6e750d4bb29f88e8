"""The dashboard for a QA lead and an operator, in a real headless Chromium against a live
platform: the jobs table at 1280 px, dead letters handled one by one and in bulk, the
overview's one success rate over a chosen time range and org, and a suite's own page.
Screenshots at 1280 and 390 px under test-output/<test>/."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.e2e import test_dashboard as base
from tests.e2e.test_dashboard import TERMINAL, Dashboard, Site, make_token
from tests.support.browser import NARROW, WIDE, set_viewport
from tests.support.platform import ADMIN_TOKEN
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
# the platform, the browser and a fresh tab, as the dashboard's other tests have them
site, browser, page = base.site, base.browser, base.page

LONG_PATHS = [
    "tests/checkout/payments/international_currency_conversion_flow.spec.js",
    "tests/onboarding/sign-up-with-a-very-long-organisation-name.spec.js",
    "tests/search/filters_by_price_and_rating_and_availability.spec.js",
]

# Every text piece of a test path lies on one line: a wrap happens between pieces (after a
# separator), never inside one.
BROKEN_PATHS_JS = """
const broken = [];
for (const cell of document.querySelectorAll('#jobs-table td.test-path')) {
  // the line of every character; a new line must start right after a separator
  const chars = [];
  const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect) chars.push([node.data[i], Math.round(rect.top)]);
    }
  }
  for (let i = 1; i < chars.length; i++) {
    if (chars[i][1] > chars[i - 1][1] && !'/._-'.includes(chars[i - 1][0])) {
      broken.push(cell.textContent);
      break;
    }
  }
}
return broken;
"""


def fits(page: Dashboard, css: str) -> tuple[int, int]:
    """(scroll width, client width) of the element: equal when nothing scrolls sideways."""
    sizes: list[int] = page.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return [e.scrollWidth, e.clientWidth]",
        css,
    )
    return sizes[0], sizes[1]


def both_sizes(page: Dashboard, name: str, ready: Any = None) -> None:
    for width, height in (WIDE, NARROW):
        set_viewport(page.driver, width, height)
        if ready is not None:
            page.wait().until(ready)
        page.check_accessible(f"{name} at {width}x{height}")
        page.screenshot(f"{name}-{width}x{height}")
    set_viewport(page.driver, *WIDE)


def test_jobs_table_fits_1280_and_tells_jobs_apart(page: Dashboard, site: Site) -> None:
    ids = [site.submit(p, app_version_id="release-2026.11.28-rc3") for p in LONG_PATHS]
    for job_id in ids:
        site.wait_status(job_id, *TERMINAL)
    page.load("/jobs")
    page.sign_in(ADMIN_TOKEN)  # the operator's table has one more column (Org)
    page.nav("jobs")
    for job_id in ids:
        page.row(job_id)

    scroll, client = fits(page, ".table-wrap")
    assert scroll <= client, f"the jobs table scrolls sideways at 1280 px: {scroll} > {client}"
    assert page.driver.execute_script(BROKEN_PATHS_JS) == []

    # made within a second, the ids share their time prefix; the short ids still differ
    shown = [page.find(f"tr[data-job-id='{i}'] td a.mono").text for i in ids]
    assert shown == [f"…{i[-8:]}" for i in ids]
    assert len(set(shown)) == len(ids)
    both_sizes(page, "jobs-long-paths")


def test_dead_letters_bulk_actions(page: Dashboard, site: Site) -> None:
    dead = [
        site.submit(f"tests/infra_bulk_{n}.spec.js", app_version_id="dlq-bulk", max_attempts=1)
        for n in range(3)
    ]
    for job_id in dead:
        site.wait_status(job_id, "dead")
    page.load("/dead-letters")
    page.sign_in(site.token)
    page.nav("dead-letters")
    for job_id in dead:
        page.visible(f"#dead-table tr[data-job-id='{job_id}']")
    assert page.find("#dead-delete-selected").get_attribute("disabled") is not None

    def tick(job_id: str) -> None:
        page.find(f"#dead-table tr[data-job-id='{job_id}'] input.select-letter").click()

    def listed() -> list[str]:
        return [r.get_attribute("data-job-id") or "" for r in page.all("#dead-table tbody tr")]

    # select all, then two: the note and the buttons follow
    page.find("#dead-select-all").click()
    page.wait().until(lambda d: "selected" in page.find("#dead-selection").text)
    page.find("#dead-select-all").click()
    tick(dead[0])
    tick(dead[1])
    assert page.find("#dead-selection").text == "2 dead letters selected"
    scroll, client = fits(page, ".table-wrap")
    assert scroll <= client, f"the dead letters scroll sideways at 1280 px: {scroll} > {client}"
    both_sizes(page, "dead-letters-selected")

    page.find("#dead-delete-selected").click()
    page.wait().until(lambda d: "2 dead letters deleted" in page.find("#dead-feedback").text)
    page.wait().until(lambda d: dead[0] not in listed() and dead[1] not in listed())
    assert dead[2] in listed()
    assert site.job(dead[0])["status"] == "dead"  # deleting an entry runs nothing

    row = f"#dead-table tr[data-job-id='{dead[2]}']"
    before = page.find(row).get_attribute("data-entry-id")
    tick(dead[2])
    page.find("#dead-requeue-selected").click()
    page.wait().until(lambda d: "1 job requeued" in page.find("#dead-feedback").text)
    assert dead[2] in page.find("#dead-feedback").text
    # it runs again, dies again, and is listed once more: one row
    page.wait(30).until(
        lambda d: [r.get_attribute("data-entry-id") for r in page.all(row)] not in ([], [before])
    )
    assert listed().count(dead[2]) == 1

    page.find("#dead-purge-all").click()
    page.wait().until(lambda d: d.switch_to.alert)
    page.driver.switch_to.alert.accept()
    page.wait().until(lambda d: "1 dead letter deleted" in page.find("#dead-feedback").text)
    page.wait().until(lambda d: listed() == [])
    assert "No dead letters" in page.find("#dead-summary").text
    page.check_accessible("dead letters, purged")


def submit_as(site: Site, token: str, test_path: str, **fields: Any) -> str:
    body = {"app_version_id": "v-rates", "test_path": test_path, **fields}
    r = httpx.post(
        f"{site.url}/v1/jobs", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert r.status_code == 201, r.text
    job_id: str = r.json()["id"]
    return job_id


def wait_as(site: Site, token: str, job_id: str, *statuses: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    wait_until(
        lambda: (
            httpx.get(f"{site.url}/v1/jobs/{job_id}", headers=headers).json()["status"] in statuses
        ),
        timeout=30,
        what=f"job {job_id} to be {statuses}",
    )


def test_overview_one_success_rate_over_a_range_and_an_org(page: Dashboard, site: Site) -> None:
    token = make_token(site.platform, "rates")
    passing = [submit_as(site, token, f"tests/ok_{n}.spec.js") for n in range(3)]
    doomed = submit_as(site, token, "tests/infra_rates.spec.js", max_attempts=1)
    for job_id in [*passing, doomed]:
        wait_as(site, token, job_id, *TERMINAL)
    # requeued, the dead job dies a second time: it must count once, by its latest result
    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.post(f"{site.url}/v1/dead-letters/{doomed}/requeue", headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    wait_until(
        lambda: (
            httpx.get(f"{site.url}/v1/jobs/{doomed}", headers=headers).json()["status"] == "dead"
        ),
        timeout=30,
        what="the requeued job to die again",
    )
    solo = make_token(site.platform, "solo")
    wait_as(site, solo, submit_as(site, solo, "tests/only.spec.js"), *TERMINAL)

    page.load("/overview")
    page.sign_in(ADMIN_TOKEN)
    page.find("#overview-org").send_keys("rates")
    Select(page.find("#overview-range")).select_by_value("15")  # applies at once
    page.wait().until(lambda d: "org rates" in page.find("#overview-scope").text)
    assert "last 15 minutes" in page.find("#overview-scope").text
    assert "minutes=15" in page.driver.current_url and "org_id=rates" in page.driver.current_url

    page.wait().until(lambda d: "of 4 finished jobs" in page.visible("#stat-success").text)
    card = page.find("#stat-success")
    assert "75 %" in card.text and "3 passed of 4 finished jobs, last 15 min" in card.text
    chart = page.find("section[aria-label='Success rate'] figure")
    assert "75 % of 4 finished jobs passed in the last 15 minutes" in chart.text
    # the dead job is one dead job, though it was dead-lettered twice
    page.wait().until(lambda d: "2 dead-letterings" in page.find("#stat-dead").text)
    assert page.find("#stat-dead .stat-value").text == "1"
    both_sizes(page, "overview-org-range")

    # one job of its own: said as one job
    page.find("#overview-org").clear()
    page.find("#overview-org").send_keys("solo", Keys.ENTER)
    throughput = "section[aria-label='Throughput'] figure"
    page.wait().until(
        lambda d: "1 job finished in the last 15 minutes" in page.find(throughput).text
    )
    page.wait().until(lambda d: "1 passed of 1 finished job," in page.find("#stat-success").text)
    assert "1 jobs" not in page.find("#main").text


def test_a_suites_page(page: Dashboard, site: Site, tmp_path: Path) -> None:
    tests = [
        "tests/login.spec.js",
        "tests/cart_flaky.spec.js",
        "tests/fail_search.spec.js",
        "tests/infra_wifi.spec.js",
    ]
    body = {
        "app_version_id": "suite-page",
        "name": "nightly",
        "tests": tests,
        "flaky_retries": 1,
        "max_attempts": 1,
    }
    with site.client() as c:
        suite = c.post("/v1/suites", json=body).json()
    for job_id in suite["job_ids"]:
        site.wait_status(job_id, *TERMINAL)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    page.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )

    # the link the API gives (and qgjob prints) opens the page
    page.load(suite["dashboard_path"].removeprefix("/ui/#"))
    page.sign_in(site.token)
    page.wait().until(lambda d: "nightly" in page.find("#suite-title").text)
    assert "finished with failures" in page.find("#suite-title").text
    assert "4/4 finished" in page.find("#suite-counts").text

    rows = "#suite-jobs tbody tr"
    page.wait().until(lambda d: len(page.all(rows)) == 4)
    order = [
        (r.get_attribute("data-status"), r.get_attribute("data-flaky")) for r in page.all(rows)
    ]
    assert [s for s, _ in order] == ["failed", "dead", "passed", "passed"]  # failures first
    flaky = page.find(f"{rows}[data-flaky='true']")
    assert "tests/cart_flaky.spec.js" in flaky.text and "flaky" in flaky.text
    page.visible("#suite-installs")
    assert "1 install served 4 jobs in 1 group" in page.find("#suite-installs").text
    assert page.find("#suite-installs .stat-value").text == "3"
    assert "tests/cart_flaky.spec.js" in page.find("#suite-flaky").text
    assert "slowest" in page.find("#suite-durations").text
    both_sizes(page, "suite")

    page.find("#suite-junit").click()
    report = downloads / f"junit-{suite['id']}.xml"
    wait_until(report.exists, timeout=10, what="the JUnit download")
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    assert "downloaded" in page.find("#suite-feedback").text

    # the suites list leads to it
    page.go("/suites")
    page.visible(f".suite[data-suite-id='{suite['id']}'] h2 a").click()
    page.wait().until(lambda d: "nightly" in page.find("#suite-title").text)


def test_flaky_passes_have_a_badge_and_a_filter(page: Dashboard, site: Site) -> None:
    page.load("/jobs")
    page.sign_in(site.token)
    page.nav("jobs")
    # submitted while the page is open: the badge appears live, once the job passes
    flaky = site.submit("tests/checkout_flaky.spec.js", app_version_id="flaky-1", flaky_retries=1)
    steady = site.submit("tests/steady.spec.js", app_version_id="flaky-1")
    for job_id in (flaky, steady):
        site.wait_status(job_id, "passed")
    page.wait().until(lambda d: page.row(flaky).get_attribute("data-flaky") == "true")
    assert "flaky" in page.row(flaky).find_element(By.CSS_SELECTOR, ".status-cell").text
    assert page.row(steady).get_attribute("data-flaky") == "false"

    Select(page.find("#filter-status")).select_by_value("flaky")
    page.wait().until(lambda d: steady not in [j for j, _ in page.rows()])
    shown = page.all("#jobs-table tbody tr")
    assert flaky in [r.get_attribute("data-job-id") for r in shown]
    assert {r.get_attribute("data-flaky") for r in shown} == {"true"}
    assert "filtered by status flaky" in page.find("#jobs-summary").text
    assert "status=flaky" in page.driver.current_url
    both_sizes(page, "jobs-flaky")


def test_cancel_a_suite_from_its_page(page: Dashboard, site: Site) -> None:
    # no device worker runs in this platform: the suite's jobs wait until cancelled
    body = {"app_version_id": "to-cancel", "name": "wrong build", "targets": ["device"],
            "tests": ["tests/a.spec.js", "tests/b.spec.js", "tests/c.spec.js"]}  # fmt: skip
    with site.client() as c:
        suite = c.post("/v1/suites", json=body).json()
    page.load(f"/suites/{suite['id']}")
    page.sign_in(site.token)
    page.wait().until(lambda d: "in progress" in page.find("#suite-title").text)
    page.visible("#suite-cancel").click()
    page.wait().until(lambda d: d.switch_to.alert)
    page.driver.switch_to.alert.accept()
    page.wait().until(lambda d: "3 waiting jobs cancelled" in page.find("#suite-feedback").text)
    for job_id in suite["job_ids"]:
        site.wait_status(job_id, "cancelled")
    page.wait().until(lambda d: "3 cancelled" in page.find("#suite-counts").text)
    assert "finished with failures" in page.find("#suite-title").text
    assert not page.find("#suite-cancel").is_displayed()
    page.wait().until(lambda d: page.find("#suite-installs .stat-value").text == "0")
    assert "0 installs served 0 jobs" in page.find("#suite-installs").text
    both_sizes(page, "suite-cancelled")
