"""In Chromium: a member takes the self-assessment, sees the grant and the
recommendations, then "My points" with both deadlines and the ledger (T1, T5)."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from points.models import Wallet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base_url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base_url},
        ]
    )


def test_T1_assessment_to_my_points(page, member, program, questions, artifacts_dir):
    from django.utils import timezone

    from points.models import Program

    # Open the program today so the live server grants (the clock is real here).
    today = timezone.localdate()
    Program.objects.filter(pk=program.pk).update(
        opens_on=today.replace(month=1, day=1), closes_on=today.replace(month=12, day=31)
    )
    sign_in(page, member)
    page.goto(page.base_url + "/points/assessment/")
    expect(page.locator("h1")).to_have_text("Digital self-assessment")
    expect(page.locator("fieldset legend")).to_have_count(8)  # the 8 areas (T1)
    for group in page.locator("[role=radiogroup]").all():
        group.locator("input[type=radio]").first.check()
    page.screenshot(path=os.path.join(artifacts_dir, "points-assessment.png"), full_page=False)
    page.get_by_test_id("assessment-submit").click()

    expect(page.locator("h1")).to_have_text("Your assessment results")
    expect(page.get_by_test_id("grant-outcome")).to_have_attribute("data-outcome", "granted")
    expect(page.get_by_test_id("recommended-categories")).to_contain_text("Inventory management")
    expect(page.get_by_test_id("wallet-available")).to_have_text("30,000")
    page.screenshot(path=os.path.join(artifacts_dir, "points-result.png"), full_page=True)

    page.get_by_test_id("nav-points").click()
    expect(page.locator("h1")).to_have_text("My points")
    expect(page.get_by_test_id("wallet-status")).to_have_text("Active")
    expect(
        page.get_by_test_id("activation-deadline").locator("time[data-deadline]")
    ).to_be_visible()
    expect(page.get_by_test_id("expiry-deadline").locator(".deadline-countdown")).to_contain_text(
        "left"
    )
    expect(page.get_by_test_id("ledger").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("ledger")).to_contain_text("Grant")
    page.screenshot(path=os.path.join(artifacts_dir, "points-mine.png"), full_page=True)
    assert Wallet.objects.get().available == 30_000


def test_T1_expert_request_in_the_browser(page, member, artifacts_dir):
    sign_in(page, member)
    page.goto(page.base_url + "/points/expert/")
    page.get_by_label("On-site visit").check()
    page.get_by_label("What would you like help with?").fill("We want help choosing a POS.")
    page.get_by_test_id("expert-submit").click()
    expect(page.get_by_test_id("expert-status")).to_have_text("Requested")
    expect(page.get_by_test_id("expert-form")).to_have_count(0)  # one open request at a time
    page.screenshot(path=os.path.join(artifacts_dir, "points-expert.png"), full_page=True)
