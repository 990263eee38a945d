"""The landing page in Chromium: Chinese by default, English and back."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landing_switches_to_english_and_back(page, program, artifacts_dir):
    page.goto(page.base_url + "/")
    expect(page.locator("h1")).to_contain_text("雲端解決方案輕鬆用")
    expect(page.get_by_test_id("category-list").locator("li")).to_have_count(15)
    page.screenshot(path=os.path.join(artifacts_dir, "landing-zh.png"), full_page=True)

    page.get_by_test_id("switch-language").click()
    expect(page.locator("h1")).to_have_text("Cloud solutions made easy for small businesses")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=os.path.join(artifacts_dir, "landing-en.png"), full_page=True)

    page.get_by_test_id("switch-language").click()
    expect(page.locator("h1")).to_contain_text("雲端解決方案輕鬆用")


def test_landing_works_on_a_phone_and_with_a_keyboard(browser, live_server, program, artifacts_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    # The menu folds into the toggler on a phone and opens from the keyboard.
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    toggler.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#nav-menu")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.get_by_test_id("switch-language")).to_be_visible()
    page.wait_for_timeout(400)  # let the collapse animation settle for the picture
    page.screenshot(path=os.path.join(artifacts_dir, "landing-phone.png"), full_page=False)
    context.close()
