"""Row locks: the one global order, and locking each row once per service call.

Two transactions that lock the same rows in opposite orders can deadlock. So
every service takes its row locks (`SELECT ... FOR UPDATE`) in this order, and a
service that needs a row of an earlier kind after a later one first releases
nothing: it is written to lock the earlier one first. From first to last:

    tcloud.IdempotencyRecord       the API's idempotency key (wraps the request)
    members.RegistrationApplication
    members.EmailCode
    catalog.Vendor
    catalog.VendorInvitation
    catalog.Plan                   a plan before its revision
    catalog.PlanRevision
    orders.Order                   an order before its refund
    refunds.Refund
    settlement.Statement           statements, vendor then program (issuing locks many)
    members.Business               (an order's re-authentication locks it)
    members.VerificationChallenge
    points.ExpertRequest
    points.Wallet                  a wallet before its program
    points.Program                 the budget, last: the hottest row

The deadline sweeps follow it too (points.sweeps locks wallets, then programs).

A service that calls other services on the same rows runs them inside
`one_lock_per_row`: `lock_row` then hands back the instance already locked in
that call without asking the database again, so each row is locked once per
service call.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

LOCK_ORDER = (
    "tcloud.IdempotencyRecord",
    "members.RegistrationApplication",
    "members.EmailCode",
    "catalog.Vendor",
    "catalog.VendorInvitation",
    "catalog.Plan",
    "catalog.PlanRevision",
    "orders.Order",
    "refunds.Refund",
    "settlement.Statement",
    "members.Business",
    "members.VerificationChallenge",
    "points.ExpertRequest",
    "points.Wallet",
    "points.Program",
)

# The rows locked by the service call running now: (model label, pk) -> instance.
_SCOPE: ContextVar[dict | None] = ContextVar("tcloud_locked_rows", default=None)


@contextmanager
def one_lock_per_row():
    """Within it (a context or a decorator above `transaction.atomic`), a row
    locked once is handed back by `lock_row` without asking the database again,
    so a service that calls other services on the same rows locks each once.
    Nested uses share the outermost scope; it ends with the call, never later
    than the transaction it runs in."""
    if _SCOPE.get() is not None:
        yield
        return
    token = _SCOPE.set({})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def lock_row(
    queryset: models.QuerySet, obj_or_pk, *, related: tuple[str, ...] = ()
) -> models.Model:
    """The row `obj_or_pk` of `queryset`'s model, locked for this transaction
    (`FOR UPDATE OF` the row only; `related` rows come along unlocked). Inside
    `one_lock_per_row`, a row locked before is the same instance again."""
    model = queryset.model
    pk = obj_or_pk.pk if isinstance(obj_or_pk, models.Model) else obj_or_pk
    scope = _SCOPE.get()
    key = (model._meta.label, pk)
    if scope is not None and key in scope:
        return scope[key]
    qs = queryset.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    obj = qs.get(pk=pk)
    if scope is not None:
        scope[key] = obj
    return obj
