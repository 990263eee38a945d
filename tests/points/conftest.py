import pytest

from points.services import wallet_grant
from tests.points.factories import GRANT_TIME


@pytest.fixture
def business(member):
    return member.business


@pytest.fixture
def wallet(business, program):
    entry = wallet_grant(business=business, program=program, now=GRANT_TIME)
    return entry.wallet


@pytest.fixture
def questions(categories):
    from points.services import assessment_questions_ensure

    return assessment_questions_ensure()
