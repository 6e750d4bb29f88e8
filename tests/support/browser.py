"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``, which ``make test``
installs) driven through chromedriver by selenium. Never downloads a browser.

``CHROMIUM`` and ``CHROMEDRIVER`` name other binaries (e.g. Google Chrome on a CI runner).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
]
WIDE = (1280, 800)
NARROW = (390, 844)
"""The two screen sizes every view is checked at: a laptop, and a phone held upright."""


def start_chromium(profile_dir: Path, log_file: Path) -> WebDriver:
    """A fresh headless Chromium with its own profile folder."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(log_file))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    set_viewport(driver, *WIDE)
    return driver


def set_viewport(driver: WebDriver, width: int, height: int) -> None:
    """Emulate a screen of exactly this size (CSS pixels), as a phone when narrow."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def waiter(driver: WebDriver, timeout: float = 20) -> WebDriverWait[WebDriver]:
    """Waits on a condition until a deadline; an element the page replaced meanwhile (a
    live row redrawn) is looked up again on the next poll."""
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, poll_frequency=0.05, ignored_exceptions=ignored)


def script_errors(driver: WebDriver) -> list[str]:
    """Uncaught JavaScript errors logged since the last call (failed loads are the tests'
    business, e.g. the expected 404 of a feature-detected endpoint)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")
    return [e["message"] for e in entries if e["level"] == "SEVERE" and e["source"] != "network"]


def text_of(element: WebElement) -> str:
    return element.text.strip()


ACCESSIBILITY_SCRIPT = (Path(__file__).parent / "accessibility.js").read_text(encoding="utf-8")


def accessibility_problems(driver: WebDriver) -> list[str]:
    """What tests/support/accessibility.js finds wrong in the page as it is shown."""
    problems: list[str] = driver.execute_script(ACCESSIBILITY_SCRIPT)
    return problems
