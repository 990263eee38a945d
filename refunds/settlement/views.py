"""The vendor portal's Settlements pages: statements, their lines, the CSV and
a printable statement (RULES S1-S6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.roles import role_required
from refunds.settlement import services
from refunds.settlement.csv import statement_csv, statement_filename
from refunds.settlement.selectors import statement_lines, statements_of_vendor
from tcloud.core.errors import RuleError


def _own(request, pk):
    # Another vendor's statement is "not found", never "forbidden".
    return get_object_or_404(statements_of_vendor(vendor_id=request.user.vendor_id), pk=pk)


@role_required("vendor")
def vendor_settlements(request):
    statements = statements_of_vendor(vendor_id=request.user.vendor_id).order_by(
        "-period", "program_id"
    )
    return render(request, "settlement/vendor_settlements.html", {"statements": statements[:120]})


@role_required("vendor")
def vendor_settlement(request, pk):
    statement = _own(request, pk)
    return render(
        request,
        "settlement/vendor_settlement.html",
        {
            "statement": statement,
            "lines": statement_lines(statement=statement),
            "events": statement.events.select_related("actor"),
        },
    )


@role_required("vendor")
def vendor_settlement_print(request, pk):
    statement = _own(request, pk)
    return render(
        request,
        "settlement/statement_print.html",
        {"statement": statement, "lines": statement_lines(statement=statement)},
    )


@role_required("vendor")
def vendor_settlement_csv(request, pk):
    statement = _own(request, pk)
    response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement)}"'
    return response


@role_required("vendor")
@require_POST
def vendor_settlement_dispute(request, pk):
    statement = _own(request, pk)
    try:
        services.statement_dispute(
            statement=statement, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Program staff will look at the statement and answer you."))
    return redirect("vendor_settlement", pk=pk)
