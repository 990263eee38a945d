"""A statement's life (RULES S5): draft, approved by staff (immutable from
then on), paid with the transfer date and reference; a vendor may dispute a
draft or approved statement, and staff resolve it back to where it was."""

from __future__ import annotations

from refunds.settlement.models import Statement, StatementEvent
from tcloud.core.statemachine import Machine, transition

S = Statement.Status

STATEMENT = Machine(
    model=Statement,
    event_model=StatementEvent,
    event=lambda statement: {"statement": statement},
    parties=lambda statement: {"vendor_id": statement.vendor_id},
    tones={S.DRAFT: "secondary", S.APPROVED: "info", S.PAID: "success", S.DISPUTED: "warning"},
    transitions=[
        transition("add_lines", {S.DRAFT}, None, "staff", "system"),
        transition("approve", {S.DRAFT}, S.APPROVED, "staff"),
        transition("pay", {S.APPROVED}, S.PAID, "staff"),
        transition("dispute", {S.DRAFT, S.APPROVED}, S.DISPUTED, "vendor"),
        transition("resolve_to_draft", {S.DISPUTED}, S.DRAFT, "staff"),
        transition("resolve_to_approved", {S.DISPUTED}, S.APPROVED, "staff"),
    ],
)
