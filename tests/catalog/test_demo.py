"""seed_demo's catalog part: vendors, at least 3 listed plans per category
(including the brochure's 6-month NT$60,000 plan), --plans N in bulk; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from catalog import selectors
from catalog.models import Plan, PlanEvent, Vendor
from points.models import Category

pytestmark = pytest.mark.django_db


def test_P3_seed_demo_lists_at_least_3_plans_per_category_and_is_idempotent():
    call_command("seed_demo", "--plans", "30")
    first = (Vendor.objects.count(), Plan.objects.count(), PlanEvent.objects.count())
    call_command("seed_demo", "--plans", "30")
    assert (Vendor.objects.count(), Plan.objects.count(), PlanEvent.objects.count()) == first

    demo_vendor = Vendor.objects.get(tax_id="24536806", status="approved")
    assert demo_vendor.admin_user.email == "vendor@demo.test"  # may invite colleagues
    assert Vendor.objects.filter(status="approved").count() >= 4
    per_category = dict(
        Category.objects.annotate(n=Count("plans", filter=~Q_load())).values_list("code", "n")
    )
    assert len(per_category) == 15 and min(per_category.values()) >= 3
    assert Plan.objects.filter(price=60_000, term_months=6, status="listed").exists()
    assert Plan.objects.filter(name__startswith="壓測方案").count() == 30
    # Every demo plan is on sale and in the open program's zone.
    assert selectors.plan_list(subsidy=True).count() == Plan.objects.count()

    call_command("seed_demo", "--plans", "40")
    assert Plan.objects.filter(name__startswith="壓測方案").count() == 40


def Q_load():
    from django.db.models import Q

    return Q(plans__name__startswith="壓測方案")
