"""The jobs view misses no change that happens while its first page loads: the page's list
request is answered, then held in the browser until the change's event has reached the
page's live feed; released, the row shows the change, not the status the list had."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e import test_dashboard as base
from tests.e2e.test_dashboard import Dashboard, Site
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
site, browser, page = base.site, base.browser, base.page

# Installed before the dashboard's own scripts: the jobs list's response is kept from the
# page until window.__release is set, and the live feed's text is copied to
# window.__feedText as it arrives (the page reads its own copy of the stream).
HOLD_JS = """
window.__listsAnswered = 0;
window.__release = false;
window.__feedText = "";
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input.url;
  const response = await realFetch(input, init);
  if (url.includes("/v1/events") && response.body) {
    const [mine, copy] = response.body.tee();
    (async () => {
      const reader = copy.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        window.__feedText += decoder.decode(value, { stream: true });
      }
    })();
    return new Response(mine, { status: response.status, headers: response.headers });
  }
  if (/\\/v1\\/jobs\\?/.test(url) && !window.__release) {
    window.__listsAnswered += 1;
    while (!window.__release) await new Promise((r) => setTimeout(r, 20));
  }
  return response;
};
"""


@pytest.fixture
def held_page(page: Dashboard) -> Iterator[Dashboard]:
    script = page.driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_JS}
    )
    try:
        yield page
    finally:
        page.driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )


def test_a_change_while_the_first_page_loads_is_shown(held_page: Dashboard, site: Site) -> None:
    page = held_page
    job_id = site.submit("tests/hang_live_list.spec.js", app_version_id="live-list")
    site.wait_status(job_id, "running")
    page.load("/jobs")
    page.sign_in(site.token)
    script = page.driver.execute_script
    wait_until(lambda: script("return window.__listsAnswered") >= 1, timeout=20,
               what="the jobs list answered and held")  # fmt: skip
    with site.client() as c:
        assert c.post(f"/v1/jobs/{job_id}/cancel").status_code == 200
    site.wait_status(job_id, "cancelled")
    wait_until(
        lambda: (
            job_id in script("return window.__feedText")
            and '"cancelled"' in script("return window.__feedText")
        ),
        timeout=20,
        what="the cancel's event at the page's live feed",
    )
    script("window.__release = true")
    page.wait().until(lambda d: page.row_status(job_id) == "cancelled")
