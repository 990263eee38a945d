"""The order's state machine (RULES O3-O6, R1): one table of what may happen to
an order, from which statuses, to which, by whom. Facts (the invoice, a late
flag) are recorded without a change of status. Services move orders only
through `ORDER.apply`; pages and the API ask `ORDER.allowed_actions`."""

from __future__ import annotations

from orders.models import Order, OrderEvent
from tcloud.core.statemachine import Machine, transition

S = Order.Status
PAID = (S.CONFIRMED, S.IN_SERVICE)

ORDER = Machine(
    model=Order,
    event_model=OrderEvent,
    event=lambda order: {"order": order},
    parties=lambda order: {"business_id": order.business_id, "vendor_id": order.vendor_id},
    tones={
        S.DRAFT: "light",
        S.SUBMITTED: "warning",
        S.ACCEPTED: "warning",
        S.CONFIRMED: "success",
        S.IN_SERVICE: "success",
        S.COMPLETED: "success",
        S.REFUNDED: "success",
        S.REJECTED: "secondary",
        S.LAPSED: "secondary",
        S.CANCELLED: "secondary",
    },
    transitions=[
        transition("submit", {S.DRAFT}, S.SUBMITTED, "member"),
        transition("accept", {S.SUBMITTED}, S.ACCEPTED, "vendor"),
        transition("reject", {S.SUBMITTED}, S.REJECTED, "vendor"),
        transition("lapse", {S.SUBMITTED}, S.LAPSED, "system"),
        transition("withdraw", {S.DRAFT, S.SUBMITTED, S.ACCEPTED}, S.CANCELLED, "member"),
        transition("cancel_unpaid", {S.ACCEPTED}, S.CANCELLED, "system"),
        transition("confirm_payment", {S.ACCEPTED}, S.CONFIRMED, "vendor"),
        transition("start_service", {S.CONFIRMED}, S.IN_SERVICE, "vendor"),
        transition("complete", {S.IN_SERVICE}, S.COMPLETED, "system"),
        # Cancellation after payment and its refund: the refunds app drives these.
        transition("cancel_paid", PAID, S.CANCELLED, "member"),
        transition("refund", {S.CANCELLED}, S.REFUNDED, "vendor", "staff", "system"),
        # Facts: recorded on the order, the status stays.
        transition("invoice", PAID, None, "vendor"),
        transition("flag_invoice_late", PAID, None, "system"),
        transition("flag_delivery_late", PAID, None, "system"),
        # S2: acceptance of a running service; staff settle a reported problem.
        transition("confirm_service", {S.IN_SERVICE}, None, "member"),
        transition("report_problem", {S.IN_SERVICE}, None, "member"),
        transition(
            "resolve_problem", {S.IN_SERVICE, S.COMPLETED, S.CANCELLED, S.REFUNDED}, None, "staff"
        ),
        # S2 met: the points the order still holds become payable to the vendor.
        transition(
            "mark_payable", {S.IN_SERVICE, S.COMPLETED, S.CANCELLED, S.REFUNDED}, None, "system"
        ),
    ],
)
