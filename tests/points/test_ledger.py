"""The ledger (RULES T2-T5, P2): services, constraints, idempotency."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from points.models import LedgerEntry, Program, Wallet
from points.selectors import wallet_figures_from_entries
from points.services import (
    wallet_deadlines,
    wallet_expire,
    wallet_grant,
    wallet_hold,
    wallet_release,
    wallet_return,
    wallet_revoke,
    wallet_spend,
)
from tcloud.core.calendar import TAIPEI, add_months
from tcloud.core.errors import RuleError
from tests.factories import BusinessFactory
from tests.points.factories import GRANT_TIME, at

pytestmark = pytest.mark.django_db

FIGS = ("granted", "available", "held", "spent", "returned_to_program")


def figures(wallet):
    wallet.refresh_from_db()
    return {f: getattr(wallet, f) for f in FIGS}


def assert_consistent(wallet):
    """T5: stored figures equal the ledger's sums, and add up."""
    stored = figures(wallet)
    assert stored == wallet_figures_from_entries(wallet=wallet)
    assert stored["granted"] == sum(stored[f] for f in FIGS[1:])
    assert all(v >= 0 for v in stored.values())


def budget(program):
    program.refresh_from_db()
    return program.budget_available


# --- T1 / P2: the grant ------------------------------------------------------


def test_T1_grant_gives_the_programs_points_once(wallet, program, business):
    assert figures(wallet) == {
        "granted": 30_000,
        "available": 30_000,
        "held": 0,
        "spent": 0,
        "returned_to_program": 0,
    }
    assert wallet.status == Wallet.Status.ACTIVE
    with pytest.raises(RuleError) as refused:
        wallet_grant(business=business, program=program, now=GRANT_TIME)
    assert refused.value.code == "already_granted"
    assert LedgerEntry.objects.filter(wallet=wallet).count() == 1
    assert_consistent(wallet)


def test_P2_grant_draws_the_budget_down(wallet, program):
    assert budget(program) == 3_000_000 - 30_000


def test_P2_grant_refused_when_budget_cannot_cover_it_and_nothing_written(program, business):
    Program.objects.filter(pk=program.pk).update(budget_available=29_999)
    with pytest.raises(RuleError) as refused:
        wallet_grant(business=business, program=program, now=GRANT_TIME)
    assert refused.value.code == "budget_exhausted"
    assert budget(program) == 29_999
    assert not Wallet.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_P2_budget_reaches_exactly_zero_never_below(program):
    Program.objects.filter(pk=program.pk).update(budget_available=60_000)
    for _ in range(2):
        wallet_grant(business=BusinessFactory(), program=program, now=GRANT_TIME)
    assert budget(program) == 0
    with pytest.raises(RuleError):
        wallet_grant(business=BusinessFactory(), program=program, now=GRANT_TIME)
    assert budget(program) == 0


def test_T1_deadlines_are_end_of_day_one_and_three_calendar_months_later(wallet):
    assert wallet.granted_at == GRANT_TIME
    assert wallet.activation_deadline == dt.datetime(2022, 4, 10, 23, 59, 59, 999999, tzinfo=TAIPEI)
    assert wallet.expires_at == dt.datetime(2022, 6, 10, 23, 59, 59, 999999, tzinfo=TAIPEI)


def test_T3_T4_months_clamp_at_month_end(program):
    assert add_months(dt.date(2022, 1, 31), 1) == dt.date(2022, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2022, 11, 30), 3) == dt.date(2023, 2, 28)
    # The grant date is the Taipei date: 2022-01-30 17:00 UTC is Jan 31 in Taipei.
    utc_evening = dt.datetime(2022, 1, 30, 17, 0, tzinfo=dt.UTC)
    activation, expiry = wallet_deadlines(granted_at=utc_evening, program=program)
    assert activation.date() == dt.date(2022, 2, 28)
    assert expiry.date() == dt.date(2022, 4, 30)


# --- T2: several orders --------------------------------------------------------


def test_T2_points_spent_over_several_orders(wallet):
    for order in (1, 2, 3):
        wallet_hold(
            wallet=wallet,
            points=10_000,
            order_id=order,
            idempotency_key=f"h{order}",
            now=at(2022, 3, 11),
        )
    wallet_spend(
        wallet=wallet, points=10_000, order_id=1, idempotency_key="s1", now=at(2022, 3, 12)
    )
    wallet_release(
        wallet=wallet, points=10_000, order_id=2, idempotency_key="r2", now=at(2022, 3, 12)
    )
    wallet_spend(
        wallet=wallet, points=10_000, order_id=3, idempotency_key="s3", now=at(2022, 3, 12)
    )
    assert figures(wallet) == {
        "granted": 30_000,
        "available": 10_000,
        "held": 0,
        "spent": 20_000,
        "returned_to_program": 0,
    }
    assert list(LedgerEntry.objects.filter(order_id=2).values_list("kind", flat=True)) == [
        "hold",
        "release",
    ]
    assert_consistent(wallet)


def test_T5_hold_more_than_available_is_refused_and_nothing_changes(wallet):
    wallet_hold(wallet=wallet, points=25_000, idempotency_key="a", now=at(2022, 3, 11))
    before = figures(wallet)
    with pytest.raises(RuleError) as refused:
        wallet_hold(wallet=wallet, points=5_001, idempotency_key="b", now=at(2022, 3, 11))
    assert refused.value.code == "insufficient_points"
    assert figures(wallet) == before
    assert not LedgerEntry.objects.filter(idempotency_key="b").exists()


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10", True])
def test_T5_points_are_positive_integers(wallet, bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        wallet_hold(wallet=wallet, points=bad, idempotency_key="x", now=at(2022, 3, 11))


def test_T5_release_spend_return_cannot_move_more_than_is_there(wallet):
    wallet_hold(wallet=wallet, points=1_000, idempotency_key="h", now=at(2022, 3, 11))
    for service in (wallet_release, wallet_spend):
        with pytest.raises(RuleError):
            service(wallet=wallet, points=1_001, idempotency_key="x", now=at(2022, 3, 11))
    with pytest.raises(RuleError):
        wallet_return(wallet=wallet, points=1, idempotency_key="x", now=at(2022, 3, 11))
    assert_consistent(wallet)


def test_T5_same_idempotency_key_returns_first_entry_and_moves_nothing(wallet):
    first = wallet_hold(
        wallet=wallet, points=1_000, order_id=7, idempotency_key="order-7-hold", now=at(2022, 3, 11)
    )
    again = wallet_hold(
        wallet=wallet, points=1_000, order_id=7, idempotency_key="order-7-hold", now=at(2022, 3, 11)
    )
    assert again.pk == first.pk
    assert figures(wallet)["held"] == 1_000
    with pytest.raises(RuleError) as conflict:
        wallet_spend(
            wallet=wallet, points=1_000, idempotency_key="order-7-hold", now=at(2022, 3, 11)
        )
    assert conflict.value.code == "idempotency_conflict"
    assert figures(wallet)["held"] == 1_000


def test_T5_idempotency_key_unique_in_the_database(wallet):
    entry = wallet.entries.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            wallet=wallet, kind="hold", points=1, idempotency_key=entry.idempotency_key
        )


def test_T5_database_forbids_negative_or_unbalanced_figures(wallet):
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(available=-1, held=30_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        # A point from nowhere.
        Wallet.objects.filter(pk=wallet.pk).update(available=30_001)
    assert figures(wallet)["available"] == 30_000


def test_T5_ledger_is_append_only_in_the_database(wallet):
    entry = wallet.entries.get()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(points=1)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM points_ledgerentry WHERE id = %s", [entry.pk])
    assert wallet.entries.get().points == 30_000


# --- T3: activation ------------------------------------------------------------


def test_T3_revoke_unused_grant_after_activation_deadline(wallet, program, business):
    with pytest.raises(RuleError):  # not before the end of the day
        wallet_revoke(wallet=wallet, now=at(2022, 4, 10, 23, 59))
    entry = wallet_revoke(wallet=wallet, now=at(2022, 4, 11, 0, 0))
    assert (entry.kind, entry.points, entry.to_program) == ("revoke", 30_000, True)
    wallet.refresh_from_db()
    assert wallet.status == Wallet.Status.REVOKED
    assert budget(program) == 3_000_000
    assert_consistent(wallet)
    # The member may apply again: a new grant with new deadlines.
    again = wallet_grant(business=business, program=program, now=at(2022, 5, 2))
    wallet.refresh_from_db()
    assert again.wallet_id == wallet.pk and wallet.status == Wallet.Status.ACTIVE
    assert (wallet.granted, wallet.available, wallet.returned_to_program) == (
        60_000,
        30_000,
        30_000,
    )
    assert wallet.activation_deadline.date() == dt.date(2022, 6, 2)
    assert budget(program) == 3_000_000 - 30_000
    assert_consistent(wallet)


def test_T3_a_hold_keeps_the_grant_alive_even_if_released(wallet):
    wallet_hold(wallet=wallet, points=1_000, idempotency_key="h", now=at(2022, 4, 1))
    wallet_release(wallet=wallet, points=1_000, idempotency_key="r", now=at(2022, 4, 2))
    with pytest.raises(RuleError):
        wallet_revoke(wallet=wallet, now=at(2022, 4, 12))
    wallet.refresh_from_db()
    assert wallet.status == Wallet.Status.ACTIVE and wallet.available == 30_000


def test_T3_no_first_hold_after_the_activation_deadline(wallet):
    with pytest.raises(RuleError) as refused:
        wallet_hold(wallet=wallet, points=1_000, idempotency_key="late", now=at(2022, 4, 11, 0, 1))
    assert refused.value.code == "deadline_passed"
    assert figures(wallet)["held"] == 0


# --- T4: validity ----------------------------------------------------------------


def test_T4_expire_returns_available_keeps_held(wallet, program, business):
    wallet_hold(wallet=wallet, points=5_000, order_id=1, idempotency_key="h1", now=at(2022, 3, 11))
    wallet_hold(wallet=wallet, points=5_000, order_id=2, idempotency_key="h2", now=at(2022, 3, 11))
    wallet_spend(wallet=wallet, points=5_000, order_id=1, idempotency_key="s1", now=at(2022, 3, 12))
    with pytest.raises(RuleError):
        wallet_expire(wallet=wallet, now=at(2022, 6, 10, 23, 59))
    entry = wallet_expire(wallet=wallet, now=at(2022, 6, 11, 0, 0))
    assert (entry.kind, entry.points) == ("expire", 20_000)
    assert figures(wallet) == {
        "granted": 30_000,
        "available": 0,
        "held": 5_000,
        "spent": 5_000,
        "returned_to_program": 20_000,
    }
    assert budget(program) == 3_000_000 - 30_000 + 20_000
    # No new application in this program.
    with pytest.raises(RuleError) as refused:
        wallet_grant(business=business, program=program, now=at(2022, 6, 12))
    assert refused.value.code == "already_granted"
    # The pending order may still complete: held points are spent after expiry.
    wallet_spend(wallet=wallet, points=5_000, order_id=2, idempotency_key="s2", now=at(2022, 6, 13))
    assert figures(wallet)["spent"] == 10_000
    assert_consistent(wallet)


def test_T4_points_released_after_expiry_go_to_the_program(wallet, program):
    wallet_hold(wallet=wallet, points=8_000, order_id=1, idempotency_key="h1", now=at(2022, 3, 11))
    wallet_expire(wallet=wallet, now=at(2022, 6, 11))
    entry = wallet_release(
        wallet=wallet, points=8_000, order_id=1, idempotency_key="r1", now=at(2022, 6, 12)
    )
    assert entry.to_program is True
    assert figures(wallet)["available"] == 0
    assert figures(wallet)["returned_to_program"] == 30_000
    assert budget(program) == 3_000_000
    assert_consistent(wallet)


def test_T4_released_after_deadline_but_before_sweep_goes_to_the_program(wallet, program):
    wallet_hold(wallet=wallet, points=8_000, idempotency_key="h1", now=at(2022, 3, 11))
    entry = wallet_release(wallet=wallet, points=8_000, idempotency_key="r1", now=at(2022, 6, 11))
    assert entry.to_program is True
    with pytest.raises(RuleError) as refused:  # and nothing can be held any more
        wallet_hold(wallet=wallet, points=1, idempotency_key="h2", now=at(2022, 6, 11))
    assert refused.value.code == "deadline_passed"
    assert_consistent(wallet)


def test_T4_R5_refund_returns_to_wallet_while_valid_else_to_program(wallet, program):
    wallet_hold(wallet=wallet, points=20_000, order_id=1, idempotency_key="h1", now=at(2022, 3, 11))
    wallet_spend(
        wallet=wallet, points=20_000, order_id=1, idempotency_key="s1", now=at(2022, 3, 12)
    )
    back = wallet_return(
        wallet=wallet, points=5_000, order_id=1, idempotency_key="ret1", now=at(2022, 4, 15)
    )
    assert back.to_program is False
    assert figures(wallet)["available"] == 15_000
    wallet_expire(wallet=wallet, now=at(2022, 6, 11))
    late = wallet_return(
        wallet=wallet, points=5_000, order_id=1, idempotency_key="ret2", now=at(2022, 7, 1)
    )
    assert late.to_program is True
    assert figures(wallet) == {
        "granted": 30_000,
        "available": 0,
        "held": 0,
        "spent": 10_000,
        "returned_to_program": 20_000,
    }
    assert budget(program) == 3_000_000 - 10_000
    assert_consistent(wallet)
