"""Settlement's demo data (`seed_demo`, idempotent): the demo vendor has one paid
statement (two months ago), one draft (last month) and one order whose member
has not confirmed the service yet, so the whole flow can be seen at once
(buyer@demo.test is the member; vendor@demo.test the vendor; staff@demo.test
approves and pays in the admin)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from catalog.models import Plan
from catalog.selectors import plan_list
from members.models import User
from orders import services as orders
from orders.models import Order
from points.models import LedgerEntry
from points.selectors import program_current
from points.services import wallet_grant
from refunds.settlement import services
from refunds.settlement.models import Statement
from refunds.settlement.selectors import month_of, previous_month
from tcloud.core.calendar import TAIPEI

BUYER = "buyer@demo.test"
VENDOR = "vendor@demo.test"
STAFF = "staff@demo.test"
SIM = {"code": "000000"}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TAIPEI)


def _order_in_service(buyer, vendor, plan, day: dt.date) -> Order:
    now = _at(day)
    order = orders.order_create(user=buyer, plan=plan, now=now)
    order = orders.order_submit(
        order=order, actor=buyer, agree_contract=True, verification=SIM, now=now
    )
    order = orders.order_accept(
        order=order, actor=vendor, payment_link="https://pay.example.tw/demo", now=now
    )
    order = orders.order_confirm_payment(order=order, actor=vendor, now=now)
    order = orders.order_record_invoice(
        order=order, actor=vendor, invoice_number=f"ZZ{order.pk:08d}", issued_on=day, now=now
    )
    return orders.order_start_service(order=order, actor=vendor, service_start=day, now=now)


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    buyer = User.objects.filter(email=BUYER).select_related("business").first()
    vendor = User.objects.filter(email=VENDOR).select_related("vendor").first()
    staff = User.objects.filter(email=STAFF).first()
    program = program_current()
    if None in (buyer, vendor, staff, program) or Order.objects.filter(placed_by=buyer).exists():
        return
    today = timezone.localdate()
    two_ago = previous_month(previous_month(today))
    if two_ago < program.opens_on:
        command.stdout.write("settlement: no demo history (the program opened too recently)")
        return
    plan = (
        plan_list(vendor=vendor.vendor_id, subsidy=True, sort="price")
        .filter(status=Plan.Status.LISTED)
        .first()
    )
    if plan is None:
        return
    wallet_grant(
        business=buyer.business, program=program, reason=LedgerEntry.Cause.DEMO, now=_at(two_ago)
    )
    # Two months ago: confirmed at once, stated, approved and paid.
    first = _order_in_service(buyer, vendor, plan, two_ago)
    orders.order_confirm_service(order=first, actor=buyer, now=_at(two_ago, 16))
    last_month = previous_month(today)
    paid = services.statements_issue(period=two_ago, now=_at(last_month, 9))
    statement = Statement.objects.get(vendor=vendor.vendor, program=program, period=two_ago)
    services.statement_approve(statement=statement, actor=staff, now=_at(last_month, 11))
    services.statement_pay(
        statement=statement,
        actor=staff,
        paid_on=last_month + dt.timedelta(days=4),
        transfer_reference="DEMO-TX-0001",
        now=_at(last_month + dt.timedelta(days=4)),
    )
    # Last month: confirmed, on a draft statement staff have not approved yet.
    second = _order_in_service(buyer, vendor, plan, last_month + dt.timedelta(days=1))
    orders.order_confirm_service(
        order=second, actor=buyer, now=_at(last_month + dt.timedelta(days=1), 16)
    )
    services.statements_issue(period=month_of(last_month))
    # Today: in service, waiting for the member's confirmation (S2).
    _order_in_service(buyer, vendor, plan, today)
    command.stdout.write(
        f"settlement: {BUYER} has 3 orders of {plan.name} with {VENDOR}: one on a paid "
        f"statement ({paid.period:%Y-%m}), one on a draft ({last_month:%Y-%m}), one awaiting "
        "the member's confirmation"
    )
