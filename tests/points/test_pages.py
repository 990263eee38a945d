"""Member pages: assessment, results, my points, expert requests; admin read-only."""

import pytest

from points.models import ExpertRequest, ExpertRequestEvent, Question, Wallet
from points.services import (
    expert_request_assign,
    expert_request_cancel,
    expert_request_create,
    wallet_grant,
    wallet_hold,
)
from tcloud.core.errors import RuleError
from tests.factories import PASSWORD, StaffFactory, VendorUserFactory
from tests.points.factories import GRANT_TIME

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    from django.conf import settings

    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the language switch
    return client


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(GRANT_TIME, tick=False)


def test_T1_assessment_page_posts_to_results_with_grant(member_client, program, questions):
    page = member_client.get("/points/assessment/")
    assert page.status_code == 200
    data = {f"q{q.pk}": q.choices.first().pk for q in Question.objects.all()}
    response = member_client.post("/points/assessment/", data)
    assert response.status_code == 302 and response["Location"] == "/points/assessment/result/"
    result = member_client.get("/points/assessment/result/")
    assert b'data-outcome="granted"' in result.content
    assert Wallet.objects.get().available == 30_000


def test_T1_assessment_page_shows_unanswered_questions(member_client, program, questions):
    response = member_client.post("/points/assessment/", {})
    assert response.status_code == 200
    assert b"Please choose an answer." in response.content
    assert not Wallet.objects.exists()


def test_O7_my_points_shows_figures_deadlines_and_ledger(member_client, member, program):
    wallet = wallet_grant(business=member.business, program=program, now=GRANT_TIME).wallet
    wallet_hold(wallet=wallet, points=4_000, order_id=9, idempotency_key="h", now=GRANT_TIME)
    html = member_client.get("/points/").content.decode()
    assert "26,000" in html and "4,000" in html
    assert 'data-testid="expiry-deadline"' in html and "2022-06-10" in html
    assert "#9" in html
    assert html.count("<tr data-kind") == 2


def test_my_points_without_points_invites_the_assessment(member_client):
    response = member_client.get("/points/")
    assert b'data-testid="no-points"' in response.content


def test_points_pages_are_for_members_only(client):
    client.force_login(VendorUserFactory())
    for url in ("/points/", "/points/assessment/", "/points/expert/"):
        assert client.get(url).status_code == 403


def test_T1_expert_request_member_asks_staff_assign_member_sees_status(member_client, member):
    response = member_client.post(
        "/points/expert/", {"kind": "visit", "note": "POS help", "contact_phone": "0912345678"}
    )
    assert response.status_code == 302
    request = ExpertRequest.objects.get()
    with pytest.raises(RuleError):  # one open request at a time
        expert_request_create(user=member, kind="call")
    staff = StaffFactory()
    expert_request_assign(request=request, actor=staff, expert="王顧問")
    with pytest.raises(RuleError):  # not back to "requested"... nor assigned twice
        expert_request_assign(request=request, actor=staff, expert="李顧問")
    html = member_client.get("/points/expert/").content.decode()
    assert "Expert assigned" in html and "王顧問" in html
    expert_request_cancel(request=request, actor=staff)
    assert list(ExpertRequestEvent.objects.values_list("from_status", "to_status")) == [
        ("", "requested"),
        ("requested", "assigned"),
        ("assigned", "cancelled"),
    ]


def test_T1_staff_assign_expert_in_admin(client, member):
    request = expert_request_create(user=member, kind="call")
    staff = StaffFactory()
    client.force_login(staff)
    url = f"/admin/points/expertrequest/{request.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "step": "assign",
            "new_expert": "陳專家",
            "when": "",
            "step_note": "",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    request.refresh_from_db()
    assert (request.status, request.expert, request.assigned_to) == ("assigned", "陳專家", staff)


def test_T5_staff_see_wallets_read_only_in_admin(client, member, program):
    wallet = wallet_grant(business=member.business, program=program, now=GRANT_TIME).wallet
    client.force_login(StaffFactory())
    assert client.get("/admin/points/wallet/").status_code == 200
    page = client.get(f"/admin/points/wallet/{wallet.pk}/change/")
    assert page.status_code == 200 and b"30000" in page.content.replace(b",", b"")
    assert (
        client.post(f"/admin/points/wallet/{wallet.pk}/change/", {"available": 1}).status_code
        == 403
    )
    assert client.get("/admin/points/wallet/add/").status_code == 403
    assert client.get("/admin/points/ledgerentry/").status_code == 200
    wallet.refresh_from_db()
    assert wallet.available == 30_000


def test_T1_staff_edit_questions_in_admin(client, questions):
    client.force_login(StaffFactory())
    q = Question.objects.first()
    assert client.get(f"/admin/points/question/{q.pk}/change/").status_code == 200
    assert client.get("/admin/points/question/").status_code == 200


def test_nav_has_my_points_for_members(member_client):
    assert b'data-testid="nav-points"' in member_client.get("/points/").content


_ = PASSWORD
