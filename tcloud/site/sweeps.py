"""Every deadline sweep of the program, in the order they run (beat, every
minute; `manage.py run_deadlines`; the demo's in-process timer).

The site layer composes them because it is the one layer that may import every
app. Each sweep is safe to run twice and in two processes at once.
"""

from __future__ import annotations

import datetime as dt

from members import sweeps as members_sweeps
from orders import sweeps as orders_sweeps
from points import sweeps as points_sweeps
from refunds.settlement import sweeps as settlement_sweeps
from tcloud.core.api import idempotency
from tcloud.core.deadlines import Sweep, SweepResult, run_sweeps
from tcloud.core.outbox import outbox_sweep

SWEEPS: list[Sweep] = [
    # Points (T3 then T4: an unused grant is revoked before it could expire).
    points_sweeps.revoke_unused,
    points_sweeps.expire_due,
    # Orders (O4, O5 release held points; O6 flags; then finished terms).
    orders_sweeps.lapse_unanswered,
    orders_sweeps.cancel_unpaid,
    orders_sweeps.flag_late_invoices,
    orders_sweeps.flag_late_deliveries,
    orders_sweeps.complete_ended,
    # S2: reminders before the acceptance clock ends, then the points payable.
    orders_sweeps.remind_acceptance,
    orders_sweeps.mark_payable,
    # S3: the month's statements on its first business day.
    settlement_sweeps.issue_due,
    # Members: abandoned registrations forget the national ID and phone.
    members_sweeps.purge_expired_applications,
    # API: Idempotency-Keys live 24 hours.
    idempotency.expire_keys,
    # Last: whatever the above wrote, and whatever waited for the broker, goes out.
    outbox_sweep,
]


def run_all(*, now: dt.datetime | None = None) -> list[SweepResult]:
    return run_sweeps(SWEEPS, now=now)
