"""Shared fixtures. Tests run against the real PostgreSQL and Redis.

tests/services.py (a plugin, see pyproject) finds or starts them before Django
reads its settings.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests import factories


@pytest.fixture
def member(db):
    return factories.MemberFactory()


@pytest.fixture
def vendor_user(db):
    return factories.VendorUserFactory()


@pytest.fixture
def staff_user(db):
    return factories.StaffFactory()


@pytest.fixture
def categories(db):
    # A migration creates them, but transactional tests flush tables: ensure.
    from points.services import category_ensure_all

    return category_ensure_all()


@pytest.fixture
def program(db, categories):
    program = factories.ProgramFactory()
    program.categories.set(categories)
    return program


@pytest.fixture(scope="session")
def artifacts_dir():
    path = os.path.join(settings.BASE_DIR, "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


from tests.browser import browser, page  # noqa: E402,F401 - shared browser fixtures
