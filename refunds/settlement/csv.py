"""A statement as CSV: UTF-8 with a BOM (Excel in Taiwan opens it), ROC and
ISO dates, one row per line and the totals after."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from refunds.settlement.models import Statement
from refunds.settlement.selectors import statement_lines
from tcloud.core.templatetags.tcloud import roc_date


def _date_pair(value) -> tuple[str, str]:
    if not value:
        return "", ""
    day = value.date() if hasattr(value, "date") else value
    return day.isoformat(), roc_date(day)


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    with translation.override("zh-hant"):
        writer.writerow([_("vendor"), statement.vendor.name, statement.vendor.tax_id])
        writer.writerow([_("program"), statement.program.name])
        writer.writerow([_("period"), statement.period_label])
        writer.writerow([_("status"), statement.get_status_display()])
        writer.writerow([])
        writer.writerow(
            [
                _("order"),
                _("plan"),
                _("kind"),
                _("points"),
                _("payable since (ISO)"),
                _("payable since (ROC)"),
            ]
        )
        for line in statement_lines(statement=statement):
            iso, roc = _date_pair(line.payable_at)
            writer.writerow(
                [
                    line.order.number,
                    line.order.plan_name,
                    line.get_kind_display(),
                    line.signed_points,
                    iso,
                    roc,
                ]
            )
        writer.writerow([])
        writer.writerow([_("points payable"), statement.points_payable])
        writer.writerow([_("points clawed back"), -statement.points_clawed_back])
        writer.writerow([_("carried over"), statement.carried_over])
        writer.writerow([_("total"), statement.total])
        writer.writerow([_("amount due (NT$)"), statement.amount_due])
        if statement.paid_on:
            iso, roc = _date_pair(statement.paid_on)
            writer.writerow([_("paid on"), iso, roc, statement.transfer_reference])
    return out.getvalue()


def statement_filename(statement: Statement) -> str:
    return f"statement-{statement.vendor.tax_id}-{statement.period_label}.csv"
