"""Factories of the catalog tests: plans in any state, made through services
where the state matters (so events exist) and in bulk where only volume does."""

from __future__ import annotations

import factory
from django.utils import timezone

from catalog.models import Plan
from points.models import Category
from tests.factories import VendorFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A listed plan of an approved vendor (the common case in catalog tests)."""

    class Meta:
        model = Plan

    vendor = factory.SubFactory(VendorFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(code="pos"))
    name = factory.Sequence(lambda n: f"測試方案 {n}")
    summary = "A plan for tests."
    description = "說明"
    specification = "5 users"
    price = 60_000
    term_months = 6
    status = Plan.Status.LISTED
    listed_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(
        lambda o: " ".join(
            [
                o.name,
                o.summary,
                o.vendor.name,
                o.category.name_zh,
                o.category.name_en,
                o.category.code,
            ]
        ).lower()
    )
