"""The dashboard for a QA lead and an operator, in a real headless Chromium against a live
platform: the jobs table at 1280 px, dead letters handled one by one and in bulk, the
overview's one success rate over a chosen time range and org, and a suite's own page.
Screenshots at 1280 and 390 px under test-output/<test>/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e import test_dashboard as base
from tests.e2e.test_dashboard import TERMINAL, Dashboard, Site
from tests.support.browser import NARROW, WIDE, set_viewport
from tests.support.platform import ADMIN_TOKEN

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
