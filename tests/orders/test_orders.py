"""RULES O1-O8: the order state machine through its services."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from orders import services, sweeps
from orders.models import Order, OrderEvent
from refunds import services as refund_services
from tcloud.core.calendar import end_of_day
from tcloud.core.errors import InvalidState, RuleError
from tests.catalog.factories import PlanFactory
from tests.factories import MemberFactory
from tests.orders.conftest import at
from tests.orders.helpers import SIM, accepted, confirmed, figures, ledger, submitted

pytestmark = pytest.mark.django_db
D = dt.date


def test_O2_exactly_one_to_one_with_enough_points(member_a, plan):
    order = services.order_create(user=member_a, plan=plan)
    assert (order.price, order.points_used, order.self_pay) == (60_000, 30_000, 30_000)


def test_O2_points_are_floor_of_half_and_capped_by_what_is_available(member_a, wallet_a, program):
    odd = PlanFactory(vendor=PlanFactory().vendor, price=50_001)
    assert services.order_create(user=member_a, plan=odd).points_used == 25_000
    submitted(member_a, PlanFactory(price=40_000))  # holds 20,000 of 30,000
    order = services.order_create(user=member_a, plan=PlanFactory(price=60_000))
    assert (order.points_used, order.self_pay) == (10_000, 50_000)


def test_O1_plans_outside_the_subsidy_zone_are_full_self_pay(member_a, program):
    from points.models import Category

    outside = Category.objects.get(code="energy")
    program.categories.remove(outside)
    plan = PlanFactory(category=outside, price=60_000)
    order = services.order_create(user=member_a, plan=plan)
    assert (order.points_used, order.self_pay, order.wallet_id) == (0, 60_000, None)


def test_O1_a_member_without_points_buys_at_full_self_pay(program, plan, clock):
    member = MemberFactory()
    order = services.order_create(user=member, plan=plan)
    assert (order.points_used, order.self_pay) == (0, 60_000)
    order = services.order_submit(order=order, actor=member, agree_contract=True, verification=SIM)
    assert order.status == Order.Status.SUBMITTED


def test_O3_submit_holds_the_points_and_sets_the_vendor_deadline(member_a, wallet_a, plan):
    order = submitted(member_a, plan)
    assert order.status == Order.Status.SUBMITTED
    assert figures(wallet_a) == (0, 30_000, 0, 0)
    assert ledger(wallet_a)[-1] == ("hold", 30_000)
    # O4: 3 business days after Wednesday 2022-06-01 (Friday 06-03 is a holiday).
    assert order.respond_by == end_of_day(D(2022, 6, 7))
    assert order.contract_version
    assert OrderEvent.objects.filter(order=order, action="submit", actor=member_a).exists()


@pytest.mark.parametrize(
    ("agree", "code", "error"),
    [(False, "000000", ValidationError), (True, "123456", RuleError), (True, "", RuleError)],
)
def test_O3_submit_without_contract_or_verification_changes_nothing(
    member_a, wallet_a, plan, agree, code, error
):
    order = services.order_create(user=member_a, plan=plan)
    before = (figures(wallet_a), ledger(wallet_a), OrderEvent.objects.count())
    with pytest.raises(error):
        services.order_submit(
            order=order, actor=member_a, agree_contract=agree, verification={"code": code}
        )
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT
    assert (figures(wallet_a), ledger(wallet_a), OrderEvent.objects.count()) == before


def test_O3_submit_refuses_amounts_the_member_did_not_see(member_a, wallet_a, plan):
    order = services.order_create(user=member_a, plan=plan)
    with pytest.raises(RuleError) as refused:
        services.order_submit(
            order=order,
            actor=member_a,
            agree_contract=True,
            verification=SIM,
            expected_points_used=12_345,
        )
    assert refused.value.code == "amounts_changed"
    assert figures(wallet_a) == (30_000, 0, 0, 0)


def test_O4_vendor_rejects_and_the_points_come_back(member_a, wallet_a, plan, vendor_a):
    order = submitted(member_a, plan)
    order = services.order_reject(order=order, actor=vendor_a, reason="Out of stock")
    assert order.status == Order.Status.REJECTED
    assert figures(wallet_a) == (30_000, 0, 0, 0)
    assert ledger(wallet_a)[-1] == ("release", 30_000)


def test_O4_unanswered_orders_lapse_after_3_business_days(member_a, wallet_a, plan, clock):
    order = submitted(member_a, plan)
    assert sweeps.lapse_unanswered(now=at(2022, 6, 7, 23, 59)) == 0
    assert sweeps.lapse_unanswered(now=at(2022, 6, 8, 0, 1)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.LAPSED
    assert figures(wallet_a) == (30_000, 0, 0, 0)
    # Safe to run again: nothing more changes.
    assert sweeps.lapse_unanswered(now=at(2022, 6, 9)) == 0
    assert ledger(wallet_a).count(("release", 30_000)) == 1


def test_O4_the_vendor_cannot_accept_after_its_deadline(member_a, plan, vendor_a, clock):
    order = submitted(member_a, plan)
    clock.to(at(2022, 6, 8, 9))
    with pytest.raises(RuleError) as refused:
        services.order_accept(order=order, actor=vendor_a, payment_link="https://pay.example/")
    assert refused.value.code == "deadline_passed"


def test_O5_accepting_gives_the_member_2_business_days_to_pay(member_a, plan, vendor_a):
    order = accepted(member_a, plan, vendor_a)
    assert order.status == Order.Status.ACCEPTED
    assert order.payment_link == "https://pay.example/1"
    assert order.pay_by == end_of_day(D(2022, 6, 6))  # Thu 06-02, (Fri holiday), Mon 06-06


def test_O5_unpaid_order_is_cancelled_across_the_lunar_new_year(program, plan, vendor_a, clock):
    clock.to(at(2022, 1, 27))
    member = MemberFactory()
    from points.services import wallet_grant

    wallet = wallet_grant(business=member.business, program=program).wallet
    order = submitted(member, plan)
    clock.to(at(2022, 1, 28, 15))  # Friday before the holiday
    order = services.order_accept(order=order, actor=vendor_a, payment_link="https://pay.example/")
    assert order.pay_by == end_of_day(D(2022, 2, 8))
    assert sweeps.cancel_unpaid(now=at(2022, 2, 8, 23, 59)) == 0
    assert sweeps.cancel_unpaid(now=at(2022, 2, 9, 0, 0)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert figures(wallet) == (30_000, 0, 0, 0)


def test_O6_confirming_payment_spends_the_points_and_sets_vendor_deadlines(
    member_a, wallet_a, plan, vendor_a
):
    order = confirmed(member_a, plan, vendor_a)
    assert order.status == Order.Status.CONFIRMED
    assert figures(wallet_a) == (0, 0, 30_000, 0)
    assert ledger(wallet_a)[-1] == ("spend", 30_000)
    assert order.invoice_by == end_of_day(D(2022, 6, 6))
    assert order.deliver_by == end_of_day(D(2022, 6, 13))


def test_O6_invoice_number_is_two_capitals_and_eight_digits(member_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    for bad in ["ab12345678", "A123456789", "AB1234567", ""]:
        with pytest.raises(ValidationError):
            services.order_record_invoice(
                order=order, actor=vendor_a, invoice_number=bad, issued_on=D(2022, 6, 1)
            )
    order = services.order_record_invoice(
        order=order, actor=vendor_a, invoice_number="AB12345678", issued_on=D(2022, 6, 1)
    )
    assert order.invoice_number == "AB12345678"
    with pytest.raises(InvalidState):
        services.order_record_invoice(
            order=order, actor=vendor_a, invoice_number="CD12345678", issued_on=D(2022, 6, 1)
        )


def test_O6_missed_vendor_deadlines_flag_the_order_and_email_the_member_but_never_cancel(
    member_a, plan, vendor_a, django_capture_on_commit_callbacks
):
    order = confirmed(member_a, plan, vendor_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.flag_late_invoices(now=at(2022, 6, 7)) == 1
        assert sweeps.flag_late_deliveries(now=at(2022, 6, 14)) == 1
        assert sweeps.flag_late_invoices(now=at(2022, 6, 15)) == 0  # once
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.flags == ["invoice_late", "delivery_late"]
    assert [m.to for m in mail.outbox] == [[member_a.email], [member_a.email]]


def test_O6_starting_the_service_sets_its_end_from_the_term(member_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    order = services.order_start_service(order=order, actor=vendor_a, service_start=D(2022, 6, 2))
    assert (order.status, order.service_end) == (Order.Status.IN_SERVICE, D(2022, 12, 2))
    assert not order.delivery_late


def test_O4_O5_O6_each_step_emails_the_party_who_acts_next(
    member_a, plan, vendor_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = submitted(member_a, plan)
    assert mail.outbox[-1].to == [vendor_a.email]
    assert order.number in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.order_accept(order=order, actor=vendor_a, payment_link="https://pay.example/9")
    assert mail.outbox[-1].to == [member_a.email]
    assert "https://pay.example/9" in mail.outbox[-1].body


@pytest.mark.parametrize("action", ["accept", "confirm_payment", "start_service", "reject"])
def test_illegal_transitions_are_refused_and_change_nothing(member_a, plan, vendor_a, action):
    order = services.order_create(user=member_a, plan=plan)  # a draft
    calls = {
        "accept": lambda: services.order_accept(
            order=order, actor=vendor_a, payment_link="https://x.example/"
        ),
        "confirm_payment": lambda: services.order_confirm_payment(order=order, actor=vendor_a),
        "start_service": lambda: services.order_start_service(
            order=order, actor=vendor_a, service_start=D(2022, 6, 2)
        ),
        "reject": lambda: services.order_reject(order=order, actor=vendor_a, reason="no"),
    }
    events = OrderEvent.objects.count()
    with pytest.raises(InvalidState):
        calls[action]()
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT and OrderEvent.objects.count() == events


def test_member_withdraws_before_paying_and_points_come_back(member_a, wallet_a, plan, vendor_a):
    order = accepted(member_a, plan, vendor_a)
    order = refund_services.order_cancel(order=order, actor=member_a, reason="changed my mind")
    assert order.status == Order.Status.CANCELLED
    assert figures(wallet_a) == (30_000, 0, 0, 0)


def test_another_vendor_cannot_move_the_order(member_a, plan, vendor_b):
    order = submitted(member_a, plan)
    with pytest.raises(InvalidState):
        services.order_accept(order=order, actor=vendor_b, payment_link="https://x.example/")
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_O7_events_record_who_did_what(member_a, plan, vendor_a):
    order = confirmed(member_a, plan, vendor_a)
    rows = list(order.events.values_list("action", "actor_role"))
    assert rows == [
        ("create", "member"),
        ("submit", "member"),
        ("accept", "vendor"),
        ("confirm_payment", "vendor"),
    ]


def test_O3_repeated_wrong_codes_lock_the_re_authentication(member_a, wallet_a, plan):
    order = services.order_create(user=member_a, plan=plan)
    from orders.reauth import reauth_start

    reauth_start(order=order, user=member_a)
    for _ in range(5):
        with pytest.raises(RuleError):
            services.order_submit(
                order=order, actor=member_a, agree_contract=True, verification={"code": "111111"}
            )
    with pytest.raises(RuleError) as refused:
        services.order_submit(order=order, actor=member_a, agree_contract=True, verification=SIM)
    assert refused.value.code == "too_many_tries"
    assert figures(wallet_a) == (30_000, 0, 0, 0)
    reauth_start(order=order, user=member_a)  # a new verification starts afresh
    assert (
        services.order_submit(
            order=order, actor=member_a, agree_contract=True, verification=SIM
        ).status
        == Order.Status.SUBMITTED
    )


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "pay.example"])
def test_O5_a_payment_link_must_be_a_web_address(member_a, plan, vendor_a, link):
    order = submitted(member_a, plan)
    with pytest.raises(ValidationError):
        services.order_accept(order=order, actor=vendor_a, payment_link=link)
    order.refresh_from_db()
    assert (order.status, order.payment_link) == (Order.Status.SUBMITTED, "")
