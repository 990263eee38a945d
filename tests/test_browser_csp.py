"""The strict Content-Security-Policy in Chromium: pages send it, and the htmx
pages work under it with no violation (no inline script or style anywhere)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from orders import services as order_services
from points.services import category_ensure_all, wallet_grant
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs (by the browser, so the CSP does not apply).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def draft_order(db):
    today = timezone.localdate()
    program = ProgramFactory(
        year=today.year - 1911,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=300),
    )
    program.categories.set(category_ensure_all())
    plan = PlanFactory(name="雲端收銀標準版", price=60_000, term_months=6)
    PlanFactory(name="便宜方案", price=6_000, term_months=6)
    member = MemberFactory()
    wallet_grant(business=member.business, program=program)
    return member, order_services.order_create(user=member, plan=plan)


def _watched_context(browser, live_server, user=None):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    return context, page, console


def test_htmx_pages_work_under_the_csp_without_a_violation(browser, live_server, draft_order):
    member, order = draft_order
    context, page, console = _watched_context(browser, live_server, member)

    # The order page: htmx posts the re-authentication and swaps in the answer.
    response = page.goto(f"{live_server.url}/orders/{order.pk}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.get_by_test_id("send-code").click()
    expect(page.locator("#verification-status .alert")).to_be_visible()

    # The catalog: the sort select submits its form (static JS, no inline handler).
    page.goto(f"{live_server.url}/plans/")
    page.get_by_test_id("sort").select_option("price")
    page.wait_for_url(re.compile(r"sort=price"))
    expect(page.locator("body")).to_contain_text("便宜方案")

    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == []
    assert not [line for line in console if "Content Security Policy" in line], console
    errors = [line for line in console if line.startswith("error") and "404" not in line]
    assert errors == [], console  # (the browser's own /favicon.ico request is a 404)


def test_the_api_docs_render_under_the_csp(browser, live_server, db):
    context, page, console = _watched_context(browser, live_server)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    violations = page.evaluate("window.__csp")
    context.close()
    assert violations == [], violations
    assert not [line for line in console if "Content Security Policy" in line], console
