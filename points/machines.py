"""The points app's state machines: a wallet's status (granted, revoked under
T3, expired under T4) and an expert service request (T1). The points themselves
move in the ledger (points.ledger); the wallet's machine records its status."""

from __future__ import annotations

from points.models import ExpertRequest, ExpertRequestEvent, Wallet, WalletEvent
from tcloud.core.statemachine import SYSTEM, Machine, transition

W = Wallet.Status
E = ExpertRequest.Status

WALLET = Machine(
    model=Wallet,
    event_model=WalletEvent,
    event=lambda wallet: {"wallet": wallet},
    parties=lambda wallet: {"business_id": wallet.business_id},
    tones={W.ACTIVE: "success"},
    transitions=[
        # The member's self-assessment grants; staff and the demo data may too.
        transition("grant", {W.NONE, W.REVOKED}, W.ACTIVE, "member", "staff", SYSTEM),
        transition("revoke", {W.ACTIVE}, W.REVOKED, "staff", SYSTEM),
        transition("expire", {W.ACTIVE}, W.EXPIRED, "staff", SYSTEM),
    ],
)

EXPERT_REQUEST = Machine(
    model=ExpertRequest,
    event_model=ExpertRequestEvent,
    event=lambda request: {"request": request},
    parties=lambda request: {"business_id": request.business_id},
    transitions=[
        transition("assign", {E.REQUESTED}, E.ASSIGNED, "staff"),
        transition("schedule", {E.ASSIGNED}, E.SCHEDULED, "staff"),
        transition("complete", {E.ASSIGNED, E.SCHEDULED}, E.DONE, "staff"),
        transition("cancel", {E.REQUESTED, E.ASSIGNED, E.SCHEDULED}, E.CANCELLED, "staff"),
    ],
)
