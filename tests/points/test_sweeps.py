"""Deadline sweeps (RULES T3, T4): set-based, idempotent, wired into run_deadlines."""

import pytest
from django.core.management import call_command

from points import sweeps
from points.models import LedgerEntry, Program, Wallet
from points.selectors import wallet_figures_from_entries
from points.services import wallet_grant, wallet_hold, wallet_release, wallet_spend
from tests.factories import BusinessFactory
from tests.points.factories import GRANT_TIME, at

pytestmark = pytest.mark.django_db


def grant(program, now=GRANT_TIME):
    return wallet_grant(business=BusinessFactory(), program=program, now=now).wallet


def budget(program):
    program.refresh_from_db()
    return program.budget_available


def test_T3_sweep_revokes_unused_wallets_at_the_deadline_only(program):
    unused, used, later = grant(program), grant(program), grant(program, now=at(2022, 3, 20))
    wallet_hold(wallet=used, points=1_000, idempotency_key="h", now=at(2022, 3, 15))
    assert sweeps.revoke_unused(now=at(2022, 4, 10, 23, 59)) == 0
    assert sweeps.revoke_unused(now=at(2022, 4, 11, 0, 0)) == 1
    for w in (unused, used, later):
        w.refresh_from_db()
    assert unused.status == Wallet.Status.REVOKED and unused.available == 0
    assert used.status == later.status == Wallet.Status.ACTIVE
    entry = LedgerEntry.objects.get(kind="revoke")
    assert (entry.wallet_id, entry.points, entry.to_program) == (unused.pk, 30_000, True)
    assert entry.idempotency_key == f"revoke:{unused.pk}:1"
    assert budget(program) == 3_000_000 - 60_000
    # Twice is the same as once.
    assert sweeps.revoke_unused(now=at(2022, 4, 11, 0, 0)) == 0
    assert LedgerEntry.objects.filter(kind="revoke").count() == 1
    assert budget(program) == 3_000_000 - 60_000


def test_T3_pending_order_at_the_deadline_keeps_the_grant(program):
    wallet = grant(program)
    wallet_hold(wallet=wallet, points=30_000, idempotency_key="h", now=at(2022, 4, 10, 20))
    assert sweeps.revoke_unused(now=at(2022, 4, 12)) == 0
    wallet.refresh_from_db()
    assert wallet.status == Wallet.Status.ACTIVE and wallet.held == 30_000


def test_T4_sweep_expires_available_keeps_held_and_refills_budget(program):
    a, b = grant(program), grant(program)
    wallet_hold(wallet=a, points=10_000, order_id=1, idempotency_key="a1", now=at(2022, 3, 11))
    wallet_hold(wallet=a, points=5_000, order_id=2, idempotency_key="a2", now=at(2022, 3, 11))
    wallet_spend(wallet=a, points=10_000, order_id=1, idempotency_key="a3", now=at(2022, 3, 12))
    wallet_hold(wallet=b, points=30_000, order_id=3, idempotency_key="b1", now=at(2022, 3, 11))
    wallet_spend(wallet=b, points=30_000, order_id=3, idempotency_key="b2", now=at(2022, 3, 12))
    assert sweeps.expire_due(now=at(2022, 6, 10, 23)) == 0
    assert sweeps.expire_due(now=at(2022, 6, 11)) == 2
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, a.available, a.held, a.spent, a.returned_to_program) == (
        "expired",
        0,
        5_000,
        10_000,
        15_000,
    )
    # b had nothing left: expired without an entry (no zero-point entries).
    assert b.status == "expired" and not b.entries.filter(kind="expire").exists()
    assert budget(program) == 3_000_000 - 60_000 + 15_000
    for w in (a, b):
        assert wallet_figures_from_entries(wallet=w) == {
            f: getattr(w, f)
            for f in ("granted", "available", "held", "spent", "returned_to_program")
        }
    # The pending order fails after expiry: its points go to the program (T4).
    wallet_release(wallet=a, points=5_000, order_id=2, idempotency_key="a4", now=at(2022, 6, 12))
    assert budget(program) == 3_000_000 - 60_000 + 20_000
    assert sweeps.expire_due(now=at(2022, 6, 12)) == 0


def test_T4_sweep_works_in_batches(program):
    wallets = [grant(program) for _ in range(7)]
    assert sweeps.expire_due(now=at(2022, 7, 1), batch=3) == 7
    assert Wallet.objects.filter(status="expired").count() == 7
    assert LedgerEntry.objects.filter(kind="expire").count() == len(wallets)
    assert budget(program) == 3_000_000


def test_T3_T4_sweeps_run_from_run_deadlines(program, capsys):
    wallet = grant(program)
    import time_machine

    with time_machine.travel(at(2022, 4, 12), tick=False):
        call_command("run_deadlines")
    out = capsys.readouterr().out
    assert "points.sweeps.revoke_unused: 1 changed" in out
    assert "points.sweeps.expire_due: 0 changed" in out
    wallet.refresh_from_db()
    assert wallet.status == Wallet.Status.REVOKED


def test_T3_T4_sweep_and_service_share_keys_so_they_never_double(program):
    from points.services import wallet_expire

    wallet = grant(program)
    wallet_hold(wallet=wallet, points=1_000, idempotency_key="h", now=at(2022, 3, 11))
    wallet_expire(wallet=wallet, now=at(2022, 6, 11))
    assert sweeps.expire_due(now=at(2022, 6, 11)) == 0
    assert wallet_expire(wallet=wallet, now=at(2022, 6, 12)).kind == "expire"  # the first entry
    assert LedgerEntry.objects.filter(kind="expire").count() == 1
    assert Program.objects.get().budget_available == 3_000_000 - 1_000
