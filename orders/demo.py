"""Demo orders, so both sides see their pages with something on them: the
eligible demo business (no points yet, so full self-pay) has an order in
service, the ineligible one an order waiting for the demo vendor. The demo
member keeps its 30,000 points untouched, to try the 1:1 split itself."""

from django.utils import timezone

from catalog.models import Plan
from members.models import User
from orders import services
from orders.models import Order
from orders.reauth import reauth_start

SIM = {"code": "000000"}


def _submit(user, plan) -> Order:
    order = services.order_create(user=user, plan=plan)
    reauth_start(order=order, user=user)
    return services.order_submit(order=order, actor=user, agree_contract=True, verification=SIM)


def seed(*, command, members: int = 0, plans: int = 0) -> None:
    member = User.objects.filter(email="eligible@demo.test").first()
    buyer = User.objects.filter(email="ineligible@demo.test").first()
    vendor = User.objects.filter(email="vendor@demo.test").first()
    if None in (member, buyer, vendor) or Order.objects.filter(vendor=vendor.vendor).exists():
        return
    on_sale = Plan.objects.filter(vendor=vendor.vendor, status=Plan.Status.LISTED).order_by("price")
    if on_sale.count() < 2:
        return
    running = _submit(member, on_sale[0])
    services.order_accept(order=running, actor=vendor, payment_link="https://pay.example.tw/demo")
    services.order_confirm_payment(order=running, actor=vendor)
    services.order_record_invoice(
        order=running, actor=vendor, invoice_number="AB12345678", issued_on=timezone.localdate()
    )
    services.order_start_service(order=running, actor=vendor, service_start=timezone.localdate())
    _submit(buyer, on_sale[1])
    command.stdout.write(
        "orders: eligible@demo.test has one in service, ineligible@demo.test "
        "one waiting for vendor@demo.test (both full self-pay)"
    )
