"""Playwright driving Debian's Chromium (never `playwright install`)."""

from __future__ import annotations

import os
import shutil

import pytest

# The one tests/system-packages.sh looks for (and installs): `chromium` on PATH.
CHROMIUM = os.environ.get("TCLOUD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox without a network: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk (make test does)"
        )
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database work happens in its own thread, so Django's guard is moot here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()
