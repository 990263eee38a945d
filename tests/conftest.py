"""Shared fixtures. Tests run against the real PostgreSQL and Redis."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests import factories

HOW_TO_GET_SERVICES = (
    "start them with `docker compose up -d db redis` (after `cp .env.example .env`) and set "
    "TEST_DATABASE_URL=postgres://tcloud:$POSTGRES_PASSWORD@127.0.0.1:5432/tcloud"
)


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def pytest_configure(config):
    # Fail in one line, not with a wall of connection errors.
    db = settings.DATABASES["default"]
    db_url = f"postgres://{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    missing = []
    if not _answers(db_url, 5432):
        missing.append(f"PostgreSQL ({db_url})")
    if not _answers(settings.REDIS_URL, 6379):
        missing.append(f"Redis ({settings.REDIS_URL})")
    if missing:
        pytest.exit(
            f"tcloud tests need {' and '.join(missing)}: {HOW_TO_GET_SERVICES}", returncode=3
        )


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
