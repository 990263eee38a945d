"""Deadline sweeps of the points app (RULES T3, T4), listed in tcloud.site.sweeps.

Both are set-based: on PostgreSQL one statement per batch locks up to
`BATCH` due wallets with `FOR UPDATE SKIP LOCKED`, moves their available points
to the program, appends the ledger entries and refills the budget (P2), all in
one transaction per batch, walking the wallets in id order (keyset), so the
cost grows linearly with the number due. Rows locked by another sweeper (or by a member's
order at that instant) are skipped and picked up by whichever run comes next,
so two sweepers at once give the same result as one, and a second run finds
nothing left to do (the conditions `status = 'active'` and the deadline are
re-checked on the locked row). Locks are taken wallet first, then program, as
in `points.services`.

The ledger entries use the same idempotency keys as `wallet_revoke` and
`wallet_expire` (`revoke:<wallet>:<grant no.>`), so a sweep and a staff action
can never move the same points twice.

On other databases (the SQLite demo) the sweep falls back to the per-wallet
services, which SQLite's single writer makes safe.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from points.models import LedgerEntry, Wallet
from points.services import wallet_expire, wallet_revoke
from tcloud.core.errors import RuleError

BATCH = 5_000

# One statement per batch. `due` locks the rows and carries the points they
# hold; `moved` closes them; the ledger and the budgets follow from `moved`.
_SQL = """
WITH due AS (
    SELECT id, program_id, available, grants
    FROM points_wallet
    WHERE status = 'active' AND {deadline} < %(now)s {extra} AND id > %(after)s
    ORDER BY id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE points_wallet AS w
    SET status = %(status)s,
        available = 0,
        returned_to_program = w.returned_to_program + due.available,
        updated_at = %(now)s
    FROM due
    WHERE w.id = due.id
    RETURNING due.id, due.program_id, due.available, due.grants
), entries AS (
    INSERT INTO points_ledgerentry
        (wallet_id, kind, points, to_program, order_id, reason, actor_id, idempotency_key,
         created_at)
    SELECT id, %(kind)s, available, TRUE, NULL, %(reason)s, NULL,
           %(kind)s || ':' || id || ':' || grants, %(now)s
    FROM moved WHERE available > 0
    RETURNING id
), events AS (
    -- The wallet machine's event (points.machines.WALLET), zero-point closes too.
    INSERT INTO points_walletevent
        (wallet_id, action, from_status, to_status, actor_id, actor_role, at, note, data)
    SELECT id, %(kind)s, 'active', %(status)s, NULL, 'system', %(now)s, '',
           json_build_object('points', available)::jsonb
    FROM moved
    RETURNING id
), budgets AS (
    UPDATE points_program AS p
    SET budget_available = p.budget_available + s.points
    FROM (SELECT program_id, SUM(available) AS points FROM moved GROUP BY program_id) AS s
    WHERE p.id = s.program_id AND s.points > 0
    RETURNING p.id
)
SELECT (SELECT COUNT(*) FROM moved), (SELECT MAX(id) FROM moved),
       (SELECT COUNT(*) FROM entries), (SELECT COUNT(*) FROM events),
       (SELECT COUNT(*) FROM budgets)
"""


def _sweep_pg(
    *, now: dt.datetime, kind: str, status: str, deadline: str, extra: str, reason: str, batch: int
) -> int:
    sql = _SQL.format(deadline=deadline, extra=extra)
    params = {
        "now": now,
        "batch": batch,
        "status": status,
        "kind": kind,
        "reason": reason,
        "after": 0,
    }
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            moved, last_id, _entries, _events, _budgets = cursor.fetchone()
        total += moved
        if moved < batch:
            return total
        # Keyset: the next batch starts after this one, so each batch reads only
        # new rows (swept rows stay in the index as dead tuples until vacuum).
        params["after"] = last_id


def _sweep_each(queryset, service, *, now: dt.datetime) -> int:
    changed = 0
    for pk in queryset.values_list("pk", flat=True).iterator():
        try:
            service(wallet=pk, now=now)
        except RuleError:
            continue  # changed under us (used, or swept by another run)
        changed += 1
    return changed


def revoke_unused(*, now: dt.datetime, batch: int = BATCH) -> int:
    """T3: revoke every active grant never used whose activation deadline has
    passed; the points go back to the program and the member may apply again."""
    if connection.vendor == "postgresql":
        return _sweep_pg(
            now=now,
            kind=LedgerEntry.Kind.REVOKE,
            status=Wallet.Status.REVOKED,
            deadline="activation_deadline",
            extra="AND first_used_at IS NULL",
            reason=LedgerEntry.Cause.ACTIVATION,
            batch=batch,
        )
    due = Wallet.objects.filter(
        status=Wallet.Status.ACTIVE, first_used_at__isnull=True, activation_deadline__lt=now
    )
    return _sweep_each(due, wallet_revoke, now=now)


def expire_due(*, now: dt.datetime, batch: int = BATCH) -> int:
    """T4: expire every active wallet past its validity; available points go
    back to the program, held points stay with their pending orders."""
    if connection.vendor == "postgresql":
        return _sweep_pg(
            now=now,
            kind=LedgerEntry.Kind.EXPIRE,
            status=Wallet.Status.EXPIRED,
            deadline="expires_at",
            extra="",
            reason=LedgerEntry.Cause.VALIDITY,
            batch=batch,
        )
    due = Wallet.objects.filter(status=Wallet.Status.ACTIVE, expires_at__lt=now)
    return _sweep_each(due, wallet_expire, now=now)
