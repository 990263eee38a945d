"""O4: the vendor answers within 3 business days; after that the order lapses
(the sweep), so neither a late accept nor a late reject is taken."""

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.models import Order
from tcloud.core.errors import InvalidState, RuleError
from tests.orders.conftest import at
from tests.orders.helpers import accepted, figures, ledger, submitted

pytestmark = pytest.mark.django_db


def test_O4_a_late_reject_is_refused_and_changes_nothing(member_a, wallet_a, plan, vendor_a, clock):
    order = submitted(member_a, plan)  # respond_by: 2022-06-07 end of day
    before = (figures(wallet_a), ledger(wallet_a))
    clock.to(at(2022, 6, 10))
    with pytest.raises(RuleError) as late:
        services.order_reject(order=order, actor=vendor_a, reason="too busy")
    assert late.value.code == "deadline_passed"
    assert Order.objects.get(pk=order.pk).status == Order.Status.SUBMITTED
    assert (figures(wallet_a), ledger(wallet_a)) == before


def test_O4_a_reject_in_time_still_needs_a_reason_and_works(member_a, wallet_a, plan, vendor_a):
    order = submitted(member_a, plan)
    with pytest.raises(ValidationError):
        services.order_reject(order=order, actor=vendor_a, reason=" ")
    order = services.order_reject(order=order, actor=vendor_a, reason="out of stock")
    assert order.status == Order.Status.REJECTED


def test_O4_answering_an_order_twice_says_it_is_answered_even_after_the_deadline(
    member_a, plan, vendor_a, clock
):
    order = accepted(member_a, plan, vendor_a)
    clock.to(at(2022, 6, 10))
    for answer in (
        lambda: services.order_accept(order=order, actor=vendor_a, payment_link="https://p.x/"),
        lambda: services.order_reject(order=order, actor=vendor_a, reason="no"),
    ):
        with pytest.raises(InvalidState) as wrong:
            answer()
        assert wrong.value.code == "invalid_state"
