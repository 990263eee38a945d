"""A hypothesis state machine over every movement of points and the passing of
time (RULES T2-T5, P2): after every step no point is created or lost, no figure
is negative, the figures equal the ledger's sums, and a refused step changed
nothing."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from points import sweeps
from points.models import LedgerEntry, Program, Wallet
from points.selectors import wallet_figures_from_entries
from points.services import (
    wallet_expire,
    wallet_grant,
    wallet_hold,
    wallet_release,
    wallet_return,
    wallet_revoke,
    wallet_spend,
)
from tcloud.core.errors import RuleError
from tests.factories import BusinessFactory
from tests.points.factories import GRANT_TIME

FIGS = ("granted", "available", "held", "spent", "returned_to_program")


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.now = GRANT_TIME
        self.order = 0
        self.holds: dict[int, tuple[int, int]] = {}  # order -> (wallet id, held points)
        self.spent: dict[int, tuple[int, int]] = {}  # order -> (wallet id, points not returned)
        self.keys: list[tuple[str, dict]] = []

    @initialize()
    def setup(self):
        # A budget for four and a half grants: the budget runs out in some runs.
        self.program = Program.objects.create(
            year=111,
            name="111",
            opens_on=dt.date(2022, 1, 3),
            closes_on=dt.date(2022, 12, 31),
            budget_total=135_000,
            budget_available=135_000,
        )
        self.businesses = [BusinessFactory() for _ in range(6)]

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # -- helpers -------------------------------------------------------------

    def snapshot(self):
        return (
            list(Wallet.objects.order_by("pk").values_list("pk", "status", *FIGS)),
            LedgerEntry.objects.count(),
            Program.objects.get(pk=self.program.pk).budget_available,
        )

    def attempt(self, service, **kwargs):
        """Call a service; a refusal must leave everything as it was."""
        before = self.snapshot()
        try:
            with transaction.atomic():
                return service(now=self.now, **kwargs)
        except RuleError:
            assert self.snapshot() == before
            return None

    def wallets(self):
        return list(Wallet.objects.order_by("pk"))

    # -- rules ---------------------------------------------------------------

    @rule(b=st.integers(0, 5))
    def grant(self, b):
        self.attempt(wallet_grant, business=self.businesses[b], program=self.program)

    @precondition(lambda self: Wallet.objects.exists())
    @rule(w=st.integers(0, 5), points=st.integers(1, 35_000) | st.integers(1, 9_000))
    def hold(self, w, points):
        wallets = self.wallets()
        wallet = wallets[w % len(wallets)]
        self.order += 1
        key = f"hold-{self.order}"
        entry = self.attempt(
            wallet_hold, wallet=wallet.pk, points=points, order_id=self.order, idempotency_key=key
        )
        if entry is not None:
            self.holds[self.order] = (wallet.pk, points)
            self.keys.append((key, {"service": wallet_hold, "wallet": wallet.pk, "points": points}))

    @precondition(lambda self: self.holds)
    @rule(i=st.integers(0, 1000), spend=st.booleans())
    def settle(self, i, spend):
        order = sorted(self.holds)[i % len(self.holds)]
        wallet_id, points = self.holds[order]
        service = wallet_spend if spend else wallet_release
        entry = self.attempt(
            service,
            wallet=wallet_id,
            points=points,
            order_id=order,
            idempotency_key=f"settle-{order}",
        )
        assert entry is not None, "a held order can always be spent or released"
        del self.holds[order]
        if spend:
            self.spent[order] = (wallet_id, points)

    @precondition(lambda self: self.spent)
    @rule(i=st.integers(0, 1000), part=st.integers(1, 35_000))
    def refund(self, i, part):
        order = sorted(self.spent)[i % len(self.spent)]
        wallet_id, points = self.spent[order]
        part = min(part, points)
        entry = self.attempt(
            wallet_return,
            wallet=wallet_id,
            points=part,
            order_id=order,
            idempotency_key=f"return-{order}-{points}",
        )
        assert entry is not None
        if points - part:
            self.spent[order] = (wallet_id, points - part)
        else:
            del self.spent[order]

    @precondition(lambda self: Wallet.objects.exists())
    @rule(w=st.integers(0, 5))
    def revoke(self, w):
        wallets = self.wallets()
        self.attempt(wallet_revoke, wallet=wallets[w % len(wallets)].pk)

    @precondition(lambda self: Wallet.objects.exists())
    @rule(w=st.integers(0, 5))
    def expire(self, w):
        wallets = self.wallets()
        self.attempt(wallet_expire, wallet=wallets[w % len(wallets)].pk)

    @rule(days=st.integers(0, 25), hours=st.integers(0, 23))
    def time_passes(self, days, hours):
        self.now += dt.timedelta(days=days, hours=hours)

    @precondition(lambda self: Wallet.objects.exclude(status="none").exists())
    @rule(w=st.integers(0, 5), expiry=st.booleans())
    def time_reaches_a_deadline(self, w, expiry):
        # Jump just past a wallet's deadline: the moments where the rules turn.
        wallets = [x for x in self.wallets() if x.expires_at]
        wallet = wallets[w % len(wallets)]
        deadline = wallet.expires_at if expiry else wallet.activation_deadline
        self.now = max(self.now, deadline + dt.timedelta(microseconds=1))

    @rule()
    def sweep(self):
        sweeps.revoke_unused(now=self.now, batch=2)
        sweeps.expire_due(now=self.now, batch=2)

    @precondition(lambda self: self.keys)
    @rule(i=st.integers(0, 1000))
    def replay(self, i):
        key, call = self.keys[i % len(self.keys)]
        before = self.snapshot()
        call["service"](
            wallet=call["wallet"], points=call["points"], idempotency_key=key, now=self.now
        )
        assert self.snapshot() == before

    # -- invariants ----------------------------------------------------------

    @invariant()
    def no_point_created_or_lost(self):
        if not hasattr(self, "program"):
            return
        program = Program.objects.get(pk=self.program.pk)
        out_of_budget = 0
        for wallet in Wallet.objects.all():
            figures = {f: getattr(wallet, f) for f in FIGS}
            assert all(v >= 0 for v in figures.values()), figures
            assert figures["granted"] == sum(figures[f] for f in FIGS[1:]), figures
            assert figures == wallet_figures_from_entries(wallet=wallet)
            out_of_budget += figures["granted"] - figures["returned_to_program"]
        assert 0 <= program.budget_available <= program.budget_total
        assert program.budget_available + out_of_budget == program.budget_total
        # The model's open orders match the wallets' held figures.
        held = {}
        for wallet_id, points in self.holds.values():
            held[wallet_id] = held.get(wallet_id, 0) + points
        for wallet in Wallet.objects.all():
            assert wallet.held == held.get(wallet.pk, 0)


@pytest.mark.django_db
def test_T5_P2_T3_T4_no_point_created_or_lost_under_any_sequence(categories):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=80,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
