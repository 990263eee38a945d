"""Write paths of settlement (RULES S1-S6): issuing the month's statements,
and a statement's life (approve, pay, dispute, resolve).

Issuing is set-based and idempotent: statements are unique per vendor, program
and month and are created with ON CONFLICT DO NOTHING, then locked in one order
(vendor, program); lines are unique per order (payable) and per refund
(clawback) and are inserted likewise; totals are recomputed from the lines
under the lock. So issuing twice, or two issuers at once, gives the same
statements, and no order is ever stated twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from refunds.settlement.machines import STATEMENT
from refunds.settlement.models import Statement, StatementLine, StatementRun
from refunds.settlement.selectors import (
    CLAWBACK,
    PAYABLE,
    month_end,
    month_of,
    payable_orders,
    pending_clawbacks,
)
from tcloud.core.errors import RuleError
from tcloud.core.locks import lock_row
from tcloud.core.outbox import outbox_email
from tcloud.core.templatetags.tcloud import ntd, roc_date
from tcloud.core.validators import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, check_dates, check_lengths


@dataclass(frozen=True)
class IssueResult:
    period: dt.date
    created: int
    updated: int
    lines: int
    held_back: int  # lines for statements no longer drafts: they wait for the next month


@transaction.atomic
def statements_issue(*, period: dt.date, actor=None, now: dt.datetime | None = None) -> IssueResult:
    """Issue the statements of the month `period` (S3): one per vendor and program
    with every order whose points became payable by the end of that month and is
    on no statement yet (less what refunds returned before, S4), and every
    clawback of a refund, by then, of an order already stated (S4); each carries
    the vendor's previous negative balance (S4). Refused for a month not over.

    A statement of that month already approved, paid or disputed gets nothing
    more: what would have gone on it waits for the next month's statement.
    """
    now = now or timezone.now()
    period = month_of(period)
    until = month_end(period)
    if until >= now:
        raise RuleError(
            _("The month %(period)s is not over yet.") % {"period": f"{period:%Y-%m}"},
            code="period_not_over",
        )
    wanted: dict[tuple[int, int], list[StatementLine]] = defaultdict(list)
    for order in payable_orders(until=until).values(
        "pk",
        "vendor_id",
        "wallet__program_id",
        "points_used",
        "payable_at",
        "returned",
        "refund__pk",
    ):
        points = order["points_used"] - order["returned"]
        if points <= 0:
            continue  # refunded in full before it was stated: nothing to pay
        wanted[(order["vendor_id"], order["wallet__program_id"])].append(
            StatementLine(
                order_id=order["pk"],
                kind=PAYABLE,
                points=points,
                refund_id=order["refund__pk"] if order["returned"] else None,
                payable_at=order["payable_at"],
            )
        )
    for refund in pending_clawbacks(until=until).values(
        "pk", "order_id", "order__vendor_id", "order__wallet__program_id", "points_returned"
    ):
        wanted[(refund["order__vendor_id"], refund["order__wallet__program_id"])].append(
            StatementLine(
                order_id=refund["order_id"],
                kind=CLAWBACK,
                points=refund["points_returned"],
                refund_id=refund["pk"],
            )
        )

    existing = set(Statement.objects.filter(period=period).values_list("vendor_id", "program_id"))
    Statement.objects.bulk_create(
        [
            Statement(vendor_id=v, program_id=p, period=period, issued_at=now)
            for (v, p) in wanted
            if (v, p) not in existing
        ],
        ignore_conflicts=True,
    )
    # One lock order for every issuer (tcloud.core.locks): vendor, then program.
    statements = {
        (s.vendor_id, s.program_id): s
        for s in Statement.objects.select_for_update(of=("self",))
        .select_related("vendor", "program")
        .prefetch_related("vendor__users")
        .filter(period=period, vendor_id__in={v for v, _p in wanted})
        .order_by("vendor_id", "program_id")
        if (s.vendor_id, s.program_id) in wanted
    }
    lines, held_back, touched = [], 0, []
    for key, statement in statements.items():
        if statement.status != Statement.Status.DRAFT:
            held_back += len(wanted[key])
            continue
        for line in wanted[key]:
            line.statement = statement
        lines.extend(wanted[key])
        touched.append(statement)
    inserted = StatementLine.objects.bulk_create(lines, ignore_conflicts=True, batch_size=5000)
    _recompute(touched)
    created = 0
    for statement in touched:
        if (statement.vendor_id, statement.program_id) not in existing:
            created += 1
            STATEMENT.record(statement, "issue", actor=actor, role="staff" if actor else "system")
            _email(statement, "issued")
        else:
            STATEMENT.apply(
                statement, "add_lines", actor=actor, role="staff" if actor else "system"
            )
    StatementRun.objects.update_or_create(
        period=period, defaults={"issued_at": now, "by": actor, "statements": len(touched)}
    )
    return IssueResult(
        period=period,
        created=created,
        updated=len(touched) - created,
        lines=len(inserted),
        held_back=held_back,
    )


def _recompute(statements: list[Statement]) -> None:
    """Each draft's totals from its lines, and the negative balance the vendor's
    previous statement in the program carries into it (S4): one UPDATE for them
    all, since a month may touch every vendor of the program."""
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE settlement_statement AS s
            SET points_payable = x.payable,
                points_clawed_back = x.clawed_back,
                carried_over = x.carried,
                total = x.payable - x.clawed_back + x.carried,
                amount_due = GREATEST(x.payable - x.clawed_back + x.carried, 0)
            FROM (
                SELECT st.id,
                    COALESCE(SUM(l.points) FILTER (WHERE l.kind = %(payable)s), 0) AS payable,
                    COALESCE(SUM(l.points) FILTER (WHERE l.kind = %(clawback)s), 0)
                        AS clawed_back,
                    LEAST(COALESCE((
                        SELECT prev.total FROM settlement_statement AS prev
                        WHERE prev.vendor_id = st.vendor_id AND prev.program_id = st.program_id
                            AND prev.period < st.period
                        ORDER BY prev.period DESC LIMIT 1), 0), 0) AS carried
                FROM settlement_statement AS st
                LEFT JOIN settlement_statementline AS l ON l.statement_id = st.id
                WHERE st.id = ANY(%(ids)s)
                GROUP BY st.id
            ) AS x
            WHERE s.id = x.id
            RETURNING s.id, s.points_payable, s.points_clawed_back, s.carried_over, s.total,
                s.amount_due
            """,
            {"payable": PAYABLE, "clawback": CLAWBACK, "ids": [s.pk for s in statements]},
        )
        totals = {row[0]: row[1:] for row in cursor.fetchall()}
    for statement in statements:
        (
            statement.points_payable,
            statement.points_clawed_back,
            statement.carried_over,
            statement.total,
            statement.amount_due,
        ) = totals[statement.pk]


def _statement_lock(statement: Statement | int) -> Statement:
    return lock_row(Statement.objects.all(), statement, related=("vendor", "program"))


@transaction.atomic
def statement_approve(
    *, statement: Statement | int, actor, now: dt.datetime | None = None
) -> Statement:
    """Staff approve a draft (S5): from now on nothing in it changes."""
    now = now or timezone.now()
    statement = _statement_lock(statement)
    STATEMENT.apply(statement, "approve", actor=actor, now=now, approved_at=now)
    _email(statement, "approved")
    return statement


@transaction.atomic
def statement_pay(
    *,
    statement: Statement | int,
    actor,
    paid_on: dt.date,
    transfer_reference: str,
    now: dt.datetime | None = None,
) -> Statement:
    """Staff record the transfer of an approved statement (S5): its date and the
    bank's reference. A statement with nothing due is closed without a transfer."""
    now = now or timezone.now()
    transfer_reference = (transfer_reference or "").strip()
    check_dates(paid_on=paid_on)
    check_lengths(transfer_reference=(transfer_reference, 100))
    statement = _statement_lock(statement)
    STATEMENT.check(statement, "pay", actor)
    if statement.amount_due and not transfer_reference:
        raise ValidationError(
            {"transfer_reference": [_("Give the bank's reference of the transfer.")]}
        )
    STATEMENT.apply(
        statement,
        "pay",
        actor=actor,
        now=now,
        note=transfer_reference,
        paid_on=paid_on,
        transfer_reference=transfer_reference,
    )
    _email(statement, "paid")
    return statement


@transaction.atomic
def statement_dispute(
    *, statement: Statement | int, actor, reason: str, now: dt.datetime | None = None
) -> Statement:
    """The vendor says a draft or approved statement is wrong (S5); staff take it
    from there."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what is wrong.")]})
    check_lengths(reason=(reason, REASON_MAX_LENGTH))
    statement = _statement_lock(statement)
    STATEMENT.check(statement, "dispute", actor)
    STATEMENT.apply(
        statement,
        "dispute",
        actor=actor,
        now=now or timezone.now(),
        note=reason,
        disputed_from=statement.status,
    )
    _email(statement, "disputed", key_suffix=str(statement.events.count()))
    return statement


@transaction.atomic
def statement_resolve(
    *, statement: Statement | int, actor, note: str, now: dt.datetime | None = None
) -> Statement:
    """Staff resolve a dispute with a note (S5): the statement goes back to where
    it was, a draft (to approve) or approved (to pay)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Record how it was resolved.")]})
    check_lengths(note=(note, NOTE_MAX_LENGTH))
    statement = _statement_lock(statement)
    action = (
        "resolve_to_approved"
        if statement.disputed_from == Statement.Status.APPROVED
        else "resolve_to_draft"
    )
    STATEMENT.apply(statement, action, actor=actor, now=now or timezone.now(), note=note)
    _email(statement, "resolved", note=note, key_suffix=str(statement.events.count()))
    return statement


def _email(statement: Statement, kind: str, *, note: str = "", key_suffix: str = "") -> None:
    """Tell the vendor, through the outbox, once per statement and step."""
    vendor = statement.vendor
    # .all() so a caller's prefetch of the vendor's users serves every statement
    recipients = [vendor.contact_email, *(u.email for u in vendor.users.all() if u.is_active)]
    values = {
        "period": statement.period_label,
        "program": statement.program.name,
        "amount": ntd(statement.amount_due),
        "total": ntd(statement.total),
        "paid_on": roc_date(statement.paid_on),
        "reference": statement.transfer_reference,
        "note": note,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = {
            "issued": (
                _("Statement %(period)s of %(program)s"),
                _(
                    "Your statement for %(period)s is ready in the vendor portal "
                    "(Settlements): %(amount)s due. Check it; staff approve it next."
                ),
            ),
            "approved": (
                _("Statement %(period)s approved"),
                _("Staff approved your statement for %(period)s: %(amount)s will be paid."),
            ),
            "paid": (
                _("Statement %(period)s paid"),
                _("%(amount)s was transferred on %(paid_on)s (reference %(reference)s)."),
            ),
            "disputed": (
                _("Statement %(period)s disputed"),
                _("Your dispute of the statement for %(period)s reached program staff."),
            ),
            "resolved": (
                _("Statement %(period)s: dispute resolved"),
                _("Program staff resolved your dispute of the %(period)s statement: %(note)s"),
            ),
        }[kind]
    outbox_email(
        key=f"statement:{statement.pk}:{kind}{':' + key_suffix if key_suffix else ''}",
        to=recipients,
        subject=f"[tcloud] {subject % values}",
        body=body % values,
    )
