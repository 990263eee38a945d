"""The eligibility engine (RULES M2, M3, M5, M7), staff lists and the review queue."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from members import services
from members.eligibility import DECLARATION_KEYS
from members.models import ExclusionEntry, MemberEvent, PriorRecipient
from members.selectors import business_stored_reasons
from points.selectors import business_points_eligibility
from points.services import business_eligibility_refresh
from tcloud.core.calendar import TAIPEI
from tcloud.core.errors import InvalidState
from tests.factories import BusinessFactory, MemberFactory
from tests.members import factories as wf
from tests.members.conftest import BIG, TAX_REGISTERED


@pytest.fixture(autouse=True)
def _messages_in_english():
    # These tests read the plain-language messages; they are written in English
    # (the zh-Hant catalog translates them for people).
    from django.utils import translation

    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _check(business, program):
    return business_points_eligibility(business=business, program=program)


@pytest.mark.parametrize(
    ("capital", "employees", "eligible"),
    [
        (100_000_000, 500, True),  # capital at the line
        (100_000_001, 199, True),  # fewer than 200 employees
        (100_000_001, 200, False),
        (100_000_001, None, False),  # cannot show fewer than 200
        (None, 250, False),
        (5_000_000, None, True),
    ],
)
def test_M2_small_capital_or_fewer_than_200_employees(program, capital, employees, eligible):
    business = BusinessFactory(paid_in_capital=capital, employee_count=employees)
    result = _check(business, program)
    assert result.eligible is eligible
    if not eligible:
        assert result.code == "not_eligible" and "NT$100,000,000" in str(result.reasons[0])


def test_M2_large_company_through_the_wizard_is_stored_ineligible_and_can_still_register(program):
    user = wf.member(BIG)
    business = user.business
    assert business.eligible is False and business.eligibility_code == "not_eligible"
    assert "(M2)" in str(business_stored_reasons(business=business)[0])
    assert user.is_active  # still a member: may buy at full self-pay


def test_M3_a_declaration_not_confirmed_makes_the_business_ineligible(program):
    declarations = dict.fromkeys(DECLARATION_KEYS, True) | {"mainland": False}
    user = wf.member(declarations=declarations)
    result = _check(user.business, program)
    assert not result.eligible and result.code == "not_eligible"
    assert "mainland" in str(result.reasons[0])
    assert business_stored_reasons(business=user.business) == result.reasons


def test_M3_registry_branch_flags_exclude(program):
    assert _check(BusinessFactory(foreign_branch=True), program).code == "not_eligible"
    assert _check(BusinessFactory(domestic_branch=True), program).code == "not_eligible"


def test_M3_exclusion_list_imported_from_csv_excludes_and_updates_stored_result(program):
    user = wf.member()
    assert user.business.eligible
    count = services.exclusion_import(
        text="tax_id,reason\n95100004,breach\n04702088,law\n",
        source="工程會拒絕往來廠商",
        listed_on=dt.date(2022, 3, 1),
    )
    assert count == 2
    user.business.refresh_from_db()
    assert user.business.eligible is False and "breach" in str(
        business_stored_reasons(business=user.business)[0]
    )
    entry = ExclusionEntry.objects.get(tax_id="95100004")
    assert (entry.source, entry.listed_on) == ("工程會拒絕往來廠商", dt.date(2022, 3, 1))
    # Importing the same list again adds nothing.
    assert (
        services.exclusion_import(
            text="tax_id,reason\n95100004,breach\n",
            source="工程會拒絕往來廠商",
            listed_on=dt.date(2022, 3, 1),
        )
        == 0
    )


def test_M3_bad_exclusion_csv_is_refused_whole():
    with pytest.raises(ValidationError) as refused:
        services.exclusion_import(
            text="tax_id,reason\n04702088,law\n12345678,law\n00651474,nope\n",
            source="x",
            listed_on=dt.date(2022, 1, 1),
        )
    messages = refused.value.messages
    assert any("Line 3" in m or "第 3" in m for m in messages) and len(messages) == 2
    assert ExclusionEntry.objects.count() == 0


def test_M7_prior_recipient_before_the_cutoff_cannot_get_points_again(program):
    business = BusinessFactory(tax_id="04702088")
    services.prior_recipient_import(
        text="tax_id,granted_on\n04702088,2021-06-30\n00651474,2022-02-01\n", source="110年度名單"
    )
    result = _check(business, program)
    assert not result.eligible and result.code == "prior_recipient"
    assert "full self-pay" in str(result.reasons[0]) or "自費" in str(result.reasons[0])
    # Granted after program 111's cut-off (2022-01-03): not a prior recipient of it.
    assert _check(BusinessFactory(tax_id="00651474"), program).eligible
    assert PriorRecipient.objects.count() == 2


def test_M7_bad_prior_recipient_csv_is_refused_whole():
    with pytest.raises(ValidationError):
        services.prior_recipient_import(text="tax_id,granted_on\n04702088,yesterday\n", source="x")
    with pytest.raises(ValidationError):
        services.prior_recipient_import(text="taxid\n04702088\n", source="x")
    assert PriorRecipient.objects.count() == 0


def test_M5_tax_registered_business_waits_for_review_due_in_one_business_day(program):
    friday = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TAIPEI)
    with time_machine.travel(friday):
        user = wf.member(TAX_REGISTERED, method="citizen_cert")
    business = user.business
    assert business.review_status == "pending"
    assert business.review_due_at == dt.datetime(2026, 11, 23, 23, 59, 59, 999999, tzinfo=TAIPEI)
    result = _check(business, program)
    assert result.code == "pending_review" and not result.eligible
    assert business.eligibility_code == "pending_review"
    assert MemberEvent.objects.filter(business=business, action="review_requested").exists()


def test_M5_staff_approve_and_the_member_is_emailed_after_commit(program, staff_user):
    business = wf.member(TAX_REGISTERED, method="citizen_cert").business
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        services.business_review_decide(business=business, actor=staff_user, approve=True)
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1 and mail.outbox[0].to == ["owner@example.test"]
    business.refresh_from_db()
    assert business.review_status == "approved" and business.reviewed_by == staff_user
    assert business.eligible and _check(business, program).eligible
    with pytest.raises(InvalidState):
        services.business_review_decide(
            business=business, actor=staff_user, approve=False, reason="x"
        )


def test_M5_rejection_needs_a_reason_and_is_emailed(program, staff_user):
    business = wf.member(TAX_REGISTERED, method="citizen_cert").business
    with pytest.raises(ValidationError):
        services.business_review_decide(
            business=business, actor=staff_user, approve=False, reason=" "
        )
    business.refresh_from_db()
    assert business.review_status == "pending"
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.business_review_decide(
            business=business, actor=staff_user, approve=False, reason="稅籍已停業"
        )
    assert "稅籍已停業" in mail.outbox[0].body
    business.refresh_from_db()
    result = _check(business, program)
    assert result.code == "not_eligible" and "稅籍已停業" in str(result.reasons[0])


def test_M5_review_queue_in_admin_highlights_overdue_items(client, staff_user):
    wf.member(TAX_REGISTERED, method="citizen_cert")
    client.force_login(staff_user)
    url = "/admin/members/taxregisteredreview/"
    page = client.get(url).content.decode()
    assert "阿嬤的麵攤" in page and 'data-overdue="1"' not in page
    assert "A123456789" in page  # staff views show the national ID in full
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        assert 'data-overdue="1"' in client.get(url).content.decode()


def test_M5_staff_decide_in_the_admin_form(client, staff_user):
    business = wf.member(TAX_REGISTERED, method="citizen_cert").business
    client.force_login(staff_user)
    url = f"/admin/members/taxregisteredreview/{business.pk}/change/"
    refused = client.post(
        url,
        {"decision": "reject", "reason": "", "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0},
    )
    assert refused.status_code == 200
    business.refresh_from_db()
    assert business.review_status == "pending"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            url,
            {
                "decision": "approve",
                "reason": "",
                "events-TOTAL_FORMS": 0,
                "events-INITIAL_FORMS": 0,
            },
        )
    business.refresh_from_db()
    assert business.review_status == "approved"


def test_M3_staff_import_the_exclusion_list_in_admin(client, staff_user):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("list.csv", b"tax_id,reason\n04702088,mainland\n")
    response = client.post(
        "/admin/members/exclusionentry/import/",
        {"file": upload, "source": "陸委會", "listed_on": "2022-05-01"},
    )
    assert response.status_code == 302
    assert ExclusionEntry.objects.get().source == "陸委會"
    bad = SimpleUploadedFile("bad.csv", b"tax_id,reason\n1234,mainland\n")
    response = client.post("/admin/members/exclusionentry/import/", {"file": bad, "source": "x"})
    assert response.status_code == 200 and ExclusionEntry.objects.count() == 1


def test_M7_staff_import_prior_recipients_in_admin(client, staff_user):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("p.csv", b"tax_id,granted_on\n04702088,2021-05-01\n")
    response = client.post(
        "/admin/members/priorrecipient/import/", {"file": upload, "source": "110"}
    )
    assert response.status_code == 302 and PriorRecipient.objects.count() == 1


def test_M2_member_sees_the_reasons_in_plain_words(client, program):
    user = MemberFactory(business__paid_in_capital=900_000_000, business__employee_count=900)
    business_eligibility_refresh(business=user.business, program=program)
    client.force_login(user)
    page = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="eligibility"' in page


def test_M2_my_account_gives_the_reasons_in_the_readers_language(program, client):
    from django.conf import settings
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("en"):
        user = wf.member(BIG)  # judged (and stored) while the site spoke English
        stored = str(business_stored_reasons(business=user.business)[0])
    assert user.business.eligibility_reasons[0] == {"code": "not_sme", "params": {}}
    with translation.override("zh-hant"):
        chinese = str(
            business_points_eligibility(business=user.business, program=program).reasons[0]
        )
    assert stored != chinese
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get("/me/").content.decode()
    assert escape(chinese) in page and escape(stored) not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert escape(stored) in client.get("/me/").content.decode()
