"""The catalog's state machines: a vendor's admission, a plan's review, and the
review of a change to a listed plan (a revision). Facts (an edit, a colleague
invited, a zone exclusion) are recorded without a change of status."""

from __future__ import annotations

from catalog.models import Plan, PlanEvent, PlanRevision, Vendor, VendorEvent
from tcloud.core.statemachine import Machine, transition

V = Vendor.Status
P = Plan.Status
R = PlanRevision.Status

VENDOR = Machine(
    model=Vendor,
    event_model=VendorEvent,
    event=lambda vendor: {"vendor": vendor},
    parties=lambda vendor: {"vendor_id": vendor.pk},
    tones={V.PENDING: "info", V.APPROVED: "success", V.REJECTED: "danger"},
    transitions=[
        transition("approve", {V.PENDING, V.REJECTED}, V.APPROVED, "staff"),
        transition("reject", {V.PENDING}, V.REJECTED, "staff"),
        transition("invite", {V.APPROVED}, None, "vendor"),
        transition("join", {V.APPROVED}, None, "vendor"),
    ],
)

PLAN = Machine(
    model=Plan,
    event_model=PlanEvent,
    event=lambda plan: {"plan": plan},
    parties=lambda plan: {"vendor_id": plan.vendor_id},
    tones={
        P.LISTED: "success",
        P.SUBMITTED: "info",
        P.CHANGES_REQUESTED: "warning",
        P.REJECTED: "danger",
        P.DRAFT: "secondary",
    },
    transitions=[
        transition("edit", {P.DRAFT, P.CHANGES_REQUESTED}, None, "vendor"),
        # A listed plan's change waits in a revision (PLAN_REVISION) for staff.
        transition("propose_change", {P.LISTED}, None, "vendor"),
        transition("submit", {P.DRAFT, P.CHANGES_REQUESTED}, P.SUBMITTED, "vendor"),
        transition("approve", {P.SUBMITTED}, P.LISTED, "staff"),
        transition("request_changes", {P.SUBMITTED}, P.CHANGES_REQUESTED, "staff"),
        transition("reject", {P.SUBMITTED}, P.REJECTED, "staff"),
        transition("zone_exclude", P.values, None, "staff"),
        transition("zone_include", P.values, None, "staff"),
    ],
)

PLAN_REVISION = Machine(
    model=PlanRevision,
    event_model=PlanEvent,
    event=lambda revision: {"plan_id": revision.plan_id, "revision": revision},
    parties=lambda revision: {"vendor_id": revision.plan.vendor_id},
    transitions=[
        transition("revision_approve", {R.PENDING}, R.APPROVED, "staff"),
        transition("revision_reject", {R.PENDING}, R.REJECTED, "staff"),
    ],
)
