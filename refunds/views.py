from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refunds import services
from refunds.models import Refund
from tcloud.errors import RuleError
from tcloud.roles import role_required


@role_required("vendor")
def vendor_refunds(request):
    refunds = (
        Refund.objects.filter(order__vendor_id=request.user.vendor_id)
        .select_related("order__business")
        .order_by("-status", "created_at")
    )
    return render(request, "refunds/vendor_refunds.html", {"refunds": refunds})


@role_required("vendor")
@require_POST
def vendor_refund_confirm(request, pk):
    refund = get_object_or_404(Refund, pk=pk, order__vendor_id=request.user.vendor_id)
    try:
        services.refund_confirm(refund=refund, actor=request.user)
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Refund confirmed; the order is refunded."))
    return redirect("vendor_refunds")
