"""RULES P1: the program's parameters are edited by staff; P3: 15 categories."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from points.models import Category, Program
from points.services import program_create, program_update

pytestmark = pytest.mark.django_db


def test_P1_staff_create_a_program_in_the_admin_with_every_parameter(
    client, staff_user, categories
):
    client.force_login(staff_user)
    response = client.post(
        "/admin/points/program/add/",
        {
            "year": 112,
            "name": "112年度補助專區",
            "opens_on": "2023-01-03",
            "closes_on": "2023-12-31",
            "points_per_member": 25000,
            "activation_months": 2,
            "validity_months": 4,
            "copay_self_pay_parts": 1,
            "copay_points_parts": 1,
            "prior_grant_cutoff": "2023-01-03",
            "budget_total": 1000000,
            "categories": list(Category.objects.values_list("pk", flat=True)[:5]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    program = Program.objects.get(year=112)
    assert (program.points_per_member, program.activation_months, program.validity_months) == (
        25000,
        2,
        4,
    )
    assert program.budget_available == program.budget_total == 1_000_000
    assert program.categories.count() == 5


def test_P1_staff_change_the_budget_and_the_available_part_follows(client, staff_user, program):
    Program.objects.filter(pk=program.pk).update(budget_available=2_000_000)  # 1,000,000 granted
    client.force_login(staff_user)
    data = {
        "name": program.name,
        "opens_on": "2022-01-03",
        "closes_on": "2022-12-31",
        "points_per_member": 30000,
        "activation_months": 1,
        "validity_months": 3,
        "copay_self_pay_parts": 1,
        "copay_points_parts": 1,
        "budget_total": 5_000_000,
        "categories": [],
    }
    response = client.post(f"/admin/points/program/{program.pk}/change/", data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.budget_total, program.budget_available) == (5_000_000, 4_000_000)


def test_P2_the_budget_cannot_drop_below_what_was_granted(program):
    Program.objects.filter(pk=program.pk).update(budget_available=1_000_000)  # 2,000,000 granted
    with pytest.raises(ValidationError):
        program_update(program=program, budget_total=1_999_999)
    program.refresh_from_db()
    assert (program.budget_total, program.budget_available) == (3_000_000, 1_000_000)


def test_P1_a_program_closes_after_it_opens():
    with pytest.raises(ValidationError):
        program_create(
            year=120,
            name="x",
            opens_on=dt.date(2031, 2, 1),
            closes_on=dt.date(2031, 1, 1),
            budget_total=10,
        )
    assert not Program.objects.filter(year=120).exists()


def test_P3_the_15_categories_exist_with_brochure_names(categories):
    import importlib

    from points.categories import CATEGORIES

    migration = importlib.import_module("catalog.migrations.0002_categories")
    assert migration.CATEGORIES == CATEGORIES  # the migration creates the same 15
    names = list(Category.objects.order_by("position").values_list("name_zh", flat=True))
    assert names == [
        "進銷存管理",
        "企業資源規劃(ERP)",
        "財會管理",
        "人力資源管理(HR)",
        "客戶關係管理(CRM)",
        "雲端辦公協作",
        "雲端收銀(POS)",
        "生產管理",
        "行動支付",
        "電子發票",
        "雲端客服",
        "資訊安全",
        "開店平台",
        "碳排計算分析",
        "能源管理系統(EMS)",
    ]


def test_P1_calendar_days_are_edited_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        "/admin/tcloud/calendarday/add/",
        {"date": "2022-06-07", "kind": "closed", "reason": "颱風假"},
    )
    assert response.status_code == 302
    from tcloud.core.calendar import BusinessCalendar

    assert not BusinessCalendar.load().is_business_day(dt.date(2022, 6, 7))
