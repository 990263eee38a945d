"""Races on real PostgreSQL with real threads (RULES T5, P2, T3, T4)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from points import sweeps
from points.models import LedgerEntry, Program, Wallet
from points.services import wallet_grant, wallet_hold
from tcloud.core.errors import RuleError
from tests.factories import BusinessFactory
from tests.points.factories import GRANT_TIME, at

pytestmark = pytest.mark.django_db(transaction=True)


def race(n, fn, threads=None):
    """Run fn(0..n-1) on `threads` threads (n by default) that start together,
    each thread on its own connection; return (results, errors)."""
    threads = threads or n
    barrier = threading.Barrier(threads)

    def run(t):
        barrier.wait()
        out = []
        try:
            for i in range(t, n, threads):
                try:
                    out.append((True, fn(i)))
                except RuleError as exc:
                    out.append((False, exc))
            return out
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(run, t) for t in range(threads)]
    results, errors = [], []
    for f in futures:
        for ok, value in f.result():
            (results if ok else errors).append(value)
    return results, errors


def test_T5_50_simultaneous_holds_of_1000_on_30000_exactly_30_succeed(program):
    wallet = wallet_grant(business=BusinessFactory(), program=program, now=GRANT_TIME).wallet

    def hold(i):
        return wallet_hold(
            wallet=wallet.pk,
            points=1_000,
            order_id=i,
            idempotency_key=f"order-{i}-hold",
            now=at(2022, 3, 11),
        )

    results, errors = race(50, hold)
    close_old_connections()
    assert len(results) == 30 and len(errors) == 20
    assert {e.code for e in errors} == {"insufficient_points"}
    wallet.refresh_from_db()
    assert (wallet.available, wallet.held) == (0, 30_000)
    holds = LedgerEntry.objects.filter(kind="hold")
    assert holds.count() == 30
    assert LedgerEntry.objects.count() == 31  # the grant and 30 holds: refusals wrote nothing
    assert set(holds.values_list("order_id", flat=True)) == {r.order_id for r in results}


def test_P2_100_members_race_for_a_budget_of_40_grants(program):
    Program.objects.filter(pk=program.pk).update(budget_total=1_200_000, budget_available=1_200_000)
    businesses = [BusinessFactory() for _ in range(100)]

    def grant(i):
        return wallet_grant(business=businesses[i], program=program, now=GRANT_TIME)

    # 100 members on 25 connections (the server allows 100 in all, shared).
    results, errors = race(100, grant, threads=25)
    close_old_connections()
    assert len(results) == 40 and len(errors) == 60
    assert {e.code for e in errors} == {"budget_exhausted"}
    program.refresh_from_db()
    assert program.budget_available == 0
    assert Wallet.objects.filter(status="active").count() == 40
    assert not Wallet.objects.exclude(status="active").exists()  # refusals wrote nothing
    assert LedgerEntry.objects.filter(kind="grant").count() == 40


def test_T1_the_same_business_granted_twice_at_once_gets_one_grant(program):
    business = BusinessFactory()
    results, errors = race(
        10, lambda i: wallet_grant(business=business, program=program, now=GRANT_TIME)
    )
    close_old_connections()
    assert len(results) == 1 and {e.code for e in errors} == {"already_granted"}
    assert LedgerEntry.objects.count() == 1


def _due_wallets(program, n):
    for i in range(n):
        wallet = wallet_grant(business=BusinessFactory(), program=program, now=GRANT_TIME).wallet
        if i % 3 == 0:  # a third were used: they expire, the rest are revoked
            wallet_hold(wallet=wallet, points=2_000, idempotency_key=f"h{i}", now=at(2022, 3, 11))


def _snapshot():
    return (
        sorted(
            Wallet.objects.values_list("id", "status", "available", "held", "returned_to_program")
        ),
        sorted(LedgerEntry.objects.values_list("wallet_id", "kind", "points", "idempotency_key")),
        Program.objects.get().budget_available,
    )


@pytest.mark.parametrize("sweepers", [1, 2])
def test_T3_T4_two_sweepers_at_once_give_the_same_result_as_one(program, sweepers):
    _due_wallets(program, 60)
    now = at(2022, 7, 1)

    def sweep(i):
        return sweeps.revoke_unused(now=now, batch=7) + sweeps.expire_due(now=now, batch=7)

    results, errors = race(sweepers, sweep)
    close_old_connections()
    assert not errors
    assert sum(results) == 60  # every wallet changed exactly once in total
    assert Wallet.objects.filter(status="revoked").count() == 40
    assert Wallet.objects.filter(status="expired").count() == 20
    wallets, entries, budget = _snapshot()
    assert budget == 3_000_000 - 20 * 2_000
    assert len(entries) == 60 + 20 + 60  # grants, holds, and one revoke/expire each
    # And a second pass changes nothing.
    assert sweep(0) == 0
    assert _snapshot() == (wallets, entries, budget)
