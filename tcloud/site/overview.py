"""Where the money goes: the program figures staff watch (admin → Program overview).

Points are NT$1 each, so every figure is money: the budget, what was granted,
what sits in members' wallets, what orders hold and spent, what came back.
One aggregate query per table, whatever the number of members and orders.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from orders.models import Order
from points.models import Program, Wallet
from points.selectors import program_reconciliation
from refunds.models import Refund
from refunds.settlement.selectors import conservation

PAID = [Order.Status.CONFIRMED, Order.Status.IN_SERVICE, Order.Status.COMPLETED]


def program_overview(*, program: Program) -> dict:
    wallets = Wallet.objects.filter(program=program).aggregate(
        members=Count("pk"),
        active=Count("pk", filter=Q(status=Wallet.Status.ACTIVE)),
        granted=Sum("granted", default=0),
        available=Sum("available", default=0),
        held=Sum("held", default=0),
        spent=Sum("spent", default=0),
        returned=Sum("returned_to_program", default=0),
    )
    in_program = Order.objects.filter(wallet__program=program)
    by_status = {
        row["status"]: row
        for row in in_program.values("status").annotate(
            n=Count("pk"), price=Sum("price"), points=Sum("points_used"), self_pay=Sum("self_pay")
        )
    }
    paid = in_program.filter(status__in=PAID)
    by_category = (
        paid.values("plan__category__name_zh", "plan__category__name_en")
        .annotate(n=Count("pk"), points=Sum("points_used"), self_pay=Sum("self_pay"))
        .order_by("-points")
    )
    by_vendor = (
        paid.values("vendor__name")
        .annotate(n=Count("pk"), points=Sum("points_used"), self_pay=Sum("self_pay"))
        .order_by("-points")[:10]
    )
    refunds = Refund.objects.filter(order__wallet__program=program).aggregate(
        owed_n=Count("pk", filter=Q(status=Refund.Status.OWED)),
        owed=Sum("self_pay_refund", filter=~Q(status=Refund.Status.SETTLED), default=0),
        settled=Sum("self_pay_refund", filter=Q(status=Refund.Status.SETTLED), default=0),
        points_back=Sum("points_returned", default=0),
    )
    flagged = in_program.filter(Q(invoice_late=True) | Q(delivery_late=True)).count()
    reconciliation = program_reconciliation(program=program)
    settlement = conservation(program=program)
    return {
        "program": program,
        "wallets": wallets,
        "statuses": [
            (value, label, by_status.get(value, {})) for value, label in Order.Status.choices
        ],
        "by_category": list(by_category),
        "by_vendor": list(by_vendor),
        "refunds": refunds,
        "flagged": flagged,
        # The books from both ends (T5, P2): can show ✘, and says where.
        "reconciliation": reconciliation,
        # S6: per vendor, spent - returned = stated + payable + not yet payable.
        "settlement": settlement,
        "settlement_balanced": all(v.balanced for v in settlement),
        "balanced": reconciliation.balanced,
    }


@staff_member_required
def overview_view(request, pk: int | None = None):
    programs = Program.objects.order_by("-year")
    program = get_object_or_404(Program, pk=pk) if pk else programs.first()
    context = {
        **admin.site.each_context(request),
        "programs": programs,
        "title": _("Program overview"),
    }
    if program is not None:
        context.update(program_overview(program=program))
    return render(request, "admin/program_overview.html", context)
