from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def open_program(db, categories):
    """A program open today whose zone holds all 15 categories (RULES P1, P3)."""
    today = timezone.localdate()
    program = factories.ProgramFactory(
        year=today.year - 1911,
        name=f"{today.year - 1911}年度補助專區",
        opens_on=dt.date(today.year, 1, 1),
        closes_on=dt.date(today.year, 12, 31),
    )
    program.categories.set(categories)
    return program


@pytest.fixture
def vendor(db):
    return factories.VendorFactory()


@pytest.fixture
def vendor_admin(db):
    """A vendor user who is its vendor's administrator (may invite colleagues)."""
    user = factories.VendorUserFactory()
    user.vendor.admin_user = user
    user.vendor.save(update_fields=["admin_user"])
    return user


@pytest.fixture
def other_vendor_user(db):
    return factories.VendorUserFactory()
