"""The refund's state machine (RULES R1-R7): owed until the vendor confirms the
payback, disputed when either party asks staff to step in, settled."""

from __future__ import annotations

from refunds.models import Refund, RefundEvent
from tcloud.core.statemachine import Machine, transition

R = Refund.Status

REFUND = Machine(
    model=Refund,
    event_model=RefundEvent,
    event=lambda refund: {"refund": refund},
    parties=lambda refund: {
        "business_id": refund.order.business_id,
        "vendor_id": refund.order.vendor_id,
    },
    tones={R.OWED: "warning", R.DISPUTED: "danger", R.SETTLED: "success"},
    transitions=[
        transition("confirm", {R.OWED}, R.SETTLED, "vendor"),
        transition("dispute", {R.OWED}, R.DISPUTED, "member", "vendor"),
        transition("resolve", {R.OWED, R.DISPUTED}, R.SETTLED, "staff"),
    ],
)
