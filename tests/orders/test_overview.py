"""Staff see where the money goes: budget, wallets, orders, refunds (P1, P2, T5)."""

import pytest
from django.test import Client

from tcloud.site.overview import program_overview
from tests.orders.helpers import confirmed, submitted

pytestmark = pytest.mark.django_db


def test_P2_T5_overview_accounts_for_every_granted_point(
    program, member_a, member_b, plan, vendor_a
):
    confirmed(member_a, plan, vendor_a)
    submitted(member_b, plan)
    figures = program_overview(program=program)
    w = figures["wallets"]
    assert (w["granted"], w["available"], w["held"], w["spent"]) == (60_000, 0, 30_000, 30_000)
    assert figures["balanced"]
    statuses = {value: row for value, _label, row in figures["statuses"]}
    assert statuses["confirmed"]["points"] == statuses["submitted"]["points"] == 30_000
    assert figures["by_category"][0]["points"] == 30_000
    assert figures["by_vendor"][0]["vendor__name"] == plan.vendor.name


def test_only_staff_open_the_overview(program, staff_user, member_a):
    staff = Client()
    staff.force_login(staff_user)
    response = staff.get("/admin/overview/")
    assert response.status_code == 200
    assert "NT$3,000,000" in response.content.decode()  # the program's budget
    assert 'data-testid="overview-link"' in staff.get("/admin/").content.decode()
    member = Client()
    member.force_login(member_a)
    assert member.get("/admin/overview/").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_open_the_overview_from_the_admin(
    browser, live_server, artifacts_dir, staff_user, program
):
    import os

    from playwright.sync_api import expect

    client = Client()
    client.force_login(staff_user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_test_id("overview-link").click()
    expect(page.locator("[data-testid=budget]")).to_contain_text("NT$3,000,000")
    page.screenshot(path=os.path.join(artifacts_dir, "admin-overview.png"), full_page=True)
    context.close()


def test_T5_reconciliation_shows_a_wallet_whose_ledger_was_tampered_with(
    program, member_a, wallet_a, plan, staff_user
):
    from django.db import connection

    from points.models import LedgerEntry

    submitted(member_a, plan)
    assert program_overview(program=program)["balanced"]
    # Bypass the append-only trigger, as only someone with the database could:
    # the hold disappears from the ledger while the wallet still says "held".
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        LedgerEntry.objects.filter(wallet=wallet_a, kind="hold").delete()
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    figures = program_overview(program=program)
    assert not figures["balanced"]
    off = figures["reconciliation"].wallets_off
    assert [row["wallet"] for row in off] == [wallet_a.pk]
    assert off[0]["stored"]["held"] == 30_000 and off[0]["from_ledger"]["held"] == 0
    staff = Client()
    staff.force_login(staff_user)
    page = staff.get("/admin/overview/").content.decode()
    assert "✘" in page and 'data-testid="wallets-off"' in page


def test_P2_reconciliation_shows_a_budget_that_does_not_match_the_wallets(
    program, member_a, staff_user
):
    from django.db.models import F

    from points.models import Program

    assert program_overview(program=program)["balanced"]
    # Points appear in the budget that no wallet gave back.
    Program.objects.filter(pk=program.pk).update(budget_available=F("budget_available") + 1)
    figures = program_overview(program=program)
    assert not figures["balanced"] and not figures["reconciliation"].wallets_off
    assert figures["reconciliation"].budget_used + 1 == figures["reconciliation"].granted_net
    staff = Client()
    staff.force_login(staff_user)
    assert 'data-testid="budget-off"' in staff.get("/admin/overview/").content.decode()
