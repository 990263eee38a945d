import datetime as dt

import pytest
import time_machine

from points.services import wallet_grant
from tcloud.core.calendar import TAIPEI
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory, VendorUserFactory


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TAIPEI)


@pytest.fixture
def clock():
    """Travel to 2022-06-01 10:00 Taipei (program 111 open); `clock.to(...)` moves on."""

    class Clock:
        def __init__(self):
            self.traveller = time_machine.travel(at(2022, 6, 1), tick=False)
            self.traveller.start()

        def to(self, moment):
            self.traveller.stop()
            self.traveller = time_machine.travel(moment, tick=False)
            self.traveller.start()

    clock = Clock()
    yield clock
    clock.traveller.stop()


@pytest.fixture
def plan(program):
    return PlanFactory(price=60_000, term_months=6)


@pytest.fixture
def vendor_a(plan):
    return VendorUserFactory(vendor=plan.vendor)


@pytest.fixture
def vendor_b(db):
    return VendorUserFactory()


@pytest.fixture
def member_a(program, clock):
    member = MemberFactory()
    wallet_grant(business=member.business, program=program)
    return member


@pytest.fixture
def member_b(program, clock):
    member = MemberFactory()
    wallet_grant(business=member.business, program=program)
    return member


@pytest.fixture
def wallet_a(member_a, program):
    from points.models import Wallet

    return Wallet.objects.get(business=member_a.business, program=program)
