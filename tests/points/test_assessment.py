"""The digital self-assessment and the grant (RULES T1, P2), by service and API."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from members.selectors import Eligibility, Reason
from points.models import Answer, LedgerEntry, Program, Question, Submission, Wallet
from points.services import assessment_complete
from tests.factories import MemberFactory, VendorUserFactory
from tests.points.factories import GRANT_TIME


@pytest.fixture(autouse=True)
def _messages_in_english():
    # These tests read the plain-language messages; they are written in English
    # (the zh-Hant catalog translates them for people).
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _open_program(program, questions, time_machine):
    # The 111 program is open on the grant day.
    time_machine.move_to(GRANT_TIME, tick=False)


def first_answers(pick=0):
    return [
        {"question": q.pk, "choice": list(q.choices.all())[pick].pk}
        for q in Question.objects.filter(active=True)
    ]


def ineligible(
    monkeypatch, code="not_eligible", reason="Branches of foreign companies are excluded (M3)."
):
    monkeypatch.setattr(
        "points.selectors.business_points_eligibility",
        lambda *, business, program: Eligibility(
            eligible=False, code=code, reasons=[Reason("legacy", {"text": reason})]
        ),
    )


def test_T1_seed_questions_cover_the_8_areas(questions):
    from points.models import Area

    assert {q.area for q in questions} == set(Area.values)
    assert all(q.choices.count() >= 2 for q in questions)


def test_T1_completing_grants_points_once_keeps_answers_and_recommends(
    member, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "granted"
    assert result.wallet.available == 30_000
    assert Answer.objects.filter(submission=result.submission).count() == Question.objects.count()
    codes = [c.code for c in result.categories]
    assert "inventory" in codes and "security" in codes
    assert set(result.submission.recommended_categories.values_list("code", flat=True)) == set(
        codes
    )
    # The "you can start buying" email, after commit.
    assert len(mail.outbox) == 1 and member.email in mail.outbox[0].to
    assert "30,000" in mail.outbox[0].subject
    # Once: a second assessment keeps recommending but grants nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = assessment_complete(user=member, answers=first_answers(pick=1))
    assert again.outcome == "already_granted"
    assert Wallet.objects.get().granted == 30_000
    assert len(mail.outbox) == 1
    assert Submission.objects.count() == 2


def test_T1_grant_email_only_after_commit_and_only_once(member):
    from tcloud.core.models import OutboxMessage
    from tcloud.core.outbox import outbox_deliver

    result = assessment_complete(user=member, answers=first_answers())
    assert mail.outbox == []  # no commit yet (the test transaction is still open)
    message = OutboxMessage.objects.get(key=f"grant:{result.wallet.pk}:1")
    assert outbox_deliver(message_id=message.pk) is True
    assert outbox_deliver(message_id=message.pk) is False  # a retried task
    assert len(mail.outbox) == 1


def test_T1_ineligible_member_gets_recommendations_but_no_points(member, monkeypatch):
    ineligible(monkeypatch)
    result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "not_eligible"
    assert "M3" in result.message
    assert result.categories and result.wallet is None
    assert not Wallet.objects.exists()


def test_T1_pending_review_tax_registered_business_gets_no_points_yet(member, monkeypatch):
    ineligible(monkeypatch, code="pending_review", reason="Staff are reviewing your business.")
    result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "pending_review" and not Wallet.objects.exists()


def test_M7_T1_prior_recipient_gets_no_points(member, monkeypatch):
    ineligible(monkeypatch, code="prior_recipient", reason="Granted in an earlier program.")
    result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "prior_recipient" and not Wallet.objects.exists()


def test_P2_budget_exhausted_member_is_told_plainly_and_nothing_written(member, program):
    Program.objects.filter(pk=program.pk).update(budget_available=10_000)
    result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "budget_exhausted"
    assert "full self-pay" in result.message
    assert not Wallet.objects.exists()
    program.refresh_from_db()
    assert program.budget_available == 10_000
    assert Submission.objects.get().outcome == "budget_exhausted"


def test_T1_every_question_must_be_answered_with_its_own_choices(member):
    from django.core.exceptions import ValidationError

    answers = first_answers()
    with pytest.raises(ValidationError):
        assessment_complete(user=member, answers=answers[:-1])
    wrong = [dict(answers[0], choice=answers[1]["choice"]), *answers[1:]]
    with pytest.raises(ValidationError):
        assessment_complete(user=member, answers=wrong)
    assert not Submission.objects.exists()


# --- API -------------------------------------------------------------------------


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


def test_T1_api_get_assessment_lists_questions_and_choices(api, questions):
    data = api.get("/api/v1/assessment/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert set(data) == {"questions"}
    q = data["questions"][0]
    assert set(q) == {"id", "area", "text", "choices"}
    assert q["area"] == "daily_operations"
    assert q["text"] == "How do you manage purchasing, sales and stock today?"
    assert set(q["choices"][0]) == {"id", "text"}


def test_T1_api_post_assessment_grants_and_answers_the_contract(api):
    response = api.post("/api/v1/assessment/", {"answers": first_answers()}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == {"recommended_categories", "recommended_plans", "wallet", "outcome"}
    assert {"code", "name"} <= set(data["recommended_categories"][0])
    assert isinstance(data["recommended_plans"], list)
    assert data["wallet"]["status"] == "active"
    assert data["wallet"]["available"] == 30_000
    assert data["wallet"]["expires_at"].startswith("2022-06-10T23:59:59")


def test_T1_api_post_assessment_tells_the_grant_outcome_with_the_wallet(api):
    response = api.post(
        "/api/v1/assessment/",
        {"answers": first_answers()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["outcome"] == {
        "granted": True,
        "code": "granted",
        "message": "You have been granted points. You can start buying plans in the subsidy zone.",
    }
    assert (data["wallet"]["status"], data["wallet"]["available"]) == ("active", 30_000)
    # The same outcome and message as the results page shows.
    submission = Submission.objects.get()
    assert (submission.outcome, submission.outcome_message) == (
        data["outcome"]["code"],
        data["outcome"]["message"],
    )


def test_P2_api_post_assessment_tells_budget_exhausted_and_grants_nothing(api, program):
    Program.objects.filter(pk=program.pk).update(budget_available=29_999)  # < 30,000 a grant
    response = api.post(
        "/api/v1/assessment/",
        {"answers": first_answers()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    outcome = data["outcome"]
    assert (outcome["granted"], outcome["code"]) == (False, "budget_exhausted")
    assert "budget has run out" in outcome["message"] and "full self-pay" in outcome["message"]
    assert data["wallet"]["status"] == "none" and data["wallet"]["available"] == 0
    assert data["recommended_categories"]  # the assessment itself still answers
    assert not Wallet.objects.exists() and not LedgerEntry.objects.exists()
    program.refresh_from_db()
    assert program.budget_available == 29_999


def test_T1_api_post_assessment_outcome_already_granted_and_not_eligible(api, member, monkeypatch):
    api.post("/api/v1/assessment/", {"answers": first_answers()}, format="json")
    again = api.post("/api/v1/assessment/", {"answers": first_answers()}, format="json").json()[
        "outcome"
    ]
    assert (again["granted"], again["code"]) == (False, "already_granted")
    other = APIClient()
    other.force_authenticate(MemberFactory())
    ineligible(monkeypatch)
    refused = other.post("/api/v1/assessment/", {"answers": first_answers()}, format="json").json()[
        "outcome"
    ]
    assert refused == {
        "granted": False,
        "code": "not_eligible",
        "message": "Branches of foreign companies are excluded (M3).",
    }
    assert LedgerEntry.objects.filter(kind="grant").count() == 1


def test_T1_api_post_assessment_outcome_message_follows_accept_language(api):
    from django.utils import translation

    from points.outcomes import outcome_message

    data = api.post(
        "/api/v1/assessment/",
        {"answers": first_answers()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-Hant",
    ).json()
    with translation.override("zh-hant"):
        expected = outcome_message("granted", [])
    assert data["outcome"]["message"] == expected
    # Stored as a code, the same submission reads in English for an English reader.
    with translation.override("en"):
        assert Submission.objects.get().outcome_message.startswith("You have been granted")


# --- M7: a grant in an earlier program on this site ---------------------------


@pytest.fixture
def program_112(categories):
    import datetime as dt

    from tests.factories import ProgramFactory

    program = ProgramFactory(
        year=112,
        name="112年度補助專區",
        opens_on=dt.date(2023, 1, 3),
        closes_on=dt.date(2023, 12, 31),
        prior_grant_cutoff=dt.date(2023, 1, 3),
    )
    program.categories.set(categories)
    return program


@pytest.mark.parametrize("status", ["active", "expired"])
def test_M7_granted_in_program_111_gets_no_points_in_112(
    member, program, program_112, time_machine, status
):
    from points.selectors import business_points_eligibility as evaluate
    from tests.points.factories import at

    granted = assessment_complete(user=member, answers=first_answers())
    assert granted.outcome == "granted"
    Wallet.objects.filter(pk=granted.wallet.pk).update(status=status)  # whatever became of it
    time_machine.move_to(at(2023, 3, 10), tick=False)

    eligibility = evaluate(business=member.business, program=program_112)
    assert (eligibility.eligible, eligibility.code) == (False, "prior_recipient")
    assert [str(r) for r in eligibility.reasons] == [
        "The business already got points in an earlier program, so it cannot get them "
        "again; it may still buy any plan at full self-pay (M7)."
    ]
    result = assessment_complete(user=member, answers=first_answers())
    assert result.outcome == "prior_recipient" and "(M7)" in result.message
    assert not Wallet.objects.filter(program=program_112).exclude(status="none").exists()
    assert LedgerEntry.objects.filter(kind="grant").count() == 1
    program_112.refresh_from_db()
    assert program_112.budget_available == program_112.budget_total


def test_M7_T3_a_grant_revoked_unused_in_111_does_not_bar_112(
    member, program, program_112, time_machine
):
    # Decision (RULES silent): T3 gives every point back and lets the member
    # apply again, so an unused, revoked grant is not "got points" for M7.
    from points.selectors import business_points_eligibility as evaluate
    from tests.points.factories import at

    granted = assessment_complete(user=member, answers=first_answers())
    Wallet.objects.filter(pk=granted.wallet.pk).update(status="revoked")
    time_machine.move_to(at(2023, 3, 10), tick=False)
    assert evaluate(business=member.business, program=program_112).eligible


def test_M7_only_earlier_programs_and_real_grants_count(member, program, program_112, time_machine):
    from points.selectors import business_points_eligibility as evaluate
    from tests.points.factories import at

    # A wallet row with nothing granted (a refused grant leaves none, but an
    # empty row must not count either) and another business's grant.
    Wallet.objects.create(business=member.business, program=program)
    other = MemberFactory()
    assessment_complete(user=other, answers=first_answers())
    assert evaluate(business=member.business, program=program_112).eligible
    # Granted in 112 does not make the business a prior recipient of 111 (nor of 112).
    time_machine.move_to(at(2023, 3, 10), tick=False)
    assert assessment_complete(user=member, answers=first_answers()).outcome == "granted"
    assert evaluate(business=member.business, program=program).eligible
    assert evaluate(business=member.business, program=program_112).eligible


def test_T1_api_post_assessment_with_bad_answers_is_400(api):
    response = api.post("/api/v1/assessment/", {"answers": first_answers()[:2]}, format="json")
    assert response.status_code == 400
    assert "answers" in response.json()
    assert not Submission.objects.exists()


def test_T1_api_idempotency_key_replays_the_first_answer(api):
    first = api.post(
        "/api/v1/assessment/",
        {"answers": first_answers()},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    again = api.post(
        "/api/v1/assessment/",
        {"answers": first_answers()},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert again.json() == first.json()
    assert Submission.objects.count() == 1


def test_T5_api_wallet_none_then_active_and_entries(api, member):
    assert api.get("/api/v1/wallet/").json() == {
        "status": "none",
        "granted": 0,
        "available": 0,
        "held": 0,
        "spent": 0,
        "returned_to_program": 0,
        "granted_at": None,
        "activation_deadline": None,
        "expires_at": None,
    }
    assert api.get("/api/v1/wallet/entries/").json()["count"] == 0
    api.post("/api/v1/assessment/", {"answers": first_answers()}, format="json")
    from points.services import wallet_hold

    wallet_hold(wallet=Wallet.objects.get(), points=1_000, order_id=42, idempotency_key="h")
    wallet = api.get("/api/v1/wallet/").json()
    assert (wallet["available"], wallet["held"], wallet["granted"]) == (29_000, 1_000, 30_000)
    assert wallet["activation_deadline"].startswith("2022-04-10T23:59:59")
    entries = api.get("/api/v1/wallet/entries/").json()
    assert set(entries) == {"count", "next", "previous", "results"}
    assert [(e["kind"], e["points"], e["order"]) for e in entries["results"]] == [
        ("hold", 1_000, 42),
        ("grant", 30_000, None),
    ]
    assert set(entries["results"][0]) == {"kind", "points", "created_at", "order"}


def test_T5_api_wallet_is_only_yours_and_only_for_members(api, member):
    other = MemberFactory()
    from points.services import wallet_grant

    wallet_grant(business=other.business, program=Program.objects.get())
    assert api.get("/api/v1/wallet/").json()["status"] == "none"
    assert api.get("/api/v1/wallet/entries/").json()["count"] == 0
    vendor = APIClient()
    vendor.force_authenticate(VendorUserFactory())
    assert vendor.get("/api/v1/wallet/").status_code == 403
    assert APIClient().get("/api/v1/wallet/").status_code == 401


def test_T3_revoked_member_may_apply_again_by_completing_the_assessment(
    member, program, time_machine
):
    from points.services import wallet_revoke
    from tests.points.factories import at

    first = assessment_complete(user=member, answers=first_answers())
    wallet_revoke(wallet=first.wallet, now=at(2022, 4, 11))
    time_machine.move_to(at(2022, 4, 20), tick=False)
    again = assessment_complete(user=member, answers=first_answers())
    assert again.outcome == "granted"
    assert (again.wallet.status, again.wallet.available, again.wallet.grants) == (
        "active",
        30_000,
        2,
    )


def test_T4_expired_member_may_not_apply_again_in_this_program(member, program, time_machine):
    from points.services import wallet_expire
    from tests.points.factories import at

    first = assessment_complete(user=member, answers=first_answers())
    from points.services import wallet_hold

    wallet_hold(wallet=first.wallet, points=1, idempotency_key="h", now=at(2022, 3, 11))
    wallet_expire(wallet=first.wallet, now=at(2022, 6, 11))
    time_machine.move_to(at(2022, 6, 20), tick=False)
    again = assessment_complete(user=member, answers=first_answers())
    assert again.outcome == "already_granted"
    assert "expired" in again.message
    assert LedgerEntry.objects.filter(kind="grant").count() == 1
