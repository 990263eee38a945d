"""Every state machine, every action, every status it does not start from: the
service refuses with a 409 error (tcloud.core.errors.RuleError; `invalid_state`
unless a rule names the refusal better) and nothing changes: the status stays
and no event is written.

Objects are made in a status by writing the status directly (what a legal path
would have done is beside the point here); each action is taken through its
public service by an actor of a role the action is for, so the refusal can only
come from the status.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from catalog import services as catalog
from catalog.machines import PLAN, PLAN_REVISION, VENDOR
from catalog.models import Plan, PlanRevision, Vendor, VendorInvitation
from members import services as members
from members.machines import BUSINESS_REVIEW, REGISTRATION
from members.models import Business, RegistrationApplication
from orders import services as orders
from orders.machines import ORDER
from orders.models import Order
from points import services as points
from points.machines import EXPERT_REQUEST, WALLET
from points.models import ExpertRequest, Wallet
from refunds import services as refunds
from refunds.machines import REFUND
from refunds.models import Refund
from refunds.settlement import services as settlement
from refunds.settlement.machines import STATEMENT
from refunds.settlement.models import Statement
from tcloud.core.errors import RuleError
from tcloud.core.statemachine import machines
from tests.catalog.factories import PlanFactory
from tests.factories import BusinessFactory, MemberFactory, StaffFactory, VendorUserFactory

pytestmark = pytest.mark.django_db

SIM = {"code": "000000"}
TODAY = dt.date(2022, 6, 1)

# Actions that are no service of their own: recorded by the service of another
# action, or idempotent by design. Each is covered where it is taken.
NOT_WALKED = {
    # registration_verify records a wrong try; `verified` walks that service.
    (REGISTRATION, "verification_failed"): "recorded by registration_verify",
    # A newer application takes the address over (tests/members/test_duplicates.py).
    (REGISTRATION, "account_replaced"): "internal to registration_create_account",
    # Requested by the wizard's email step and staff data entry; a decision staff
    # already made is kept (no error), tested in tests/members/test_eligibility.py.
    (BUSINESS_REVIEW, "review_requested"): "never refused: an existing decision is kept",
    # The S2 sweep's step: does nothing until S2 holds (tests/orders/test_settlement.py).
    (ORDER, "mark_payable"): "a sweep step, not a request",
    # Issuing leaves a statement that is no longer a draft alone: its lines wait
    # for the next month (tests/orders/test_settlement.py).
    (STATEMENT, "add_lines"): "part of statements_issue, never refused",
}
# A repeat of a close is a no-op that returns the first result (T3, T4).
IDEMPOTENT = {(WALLET, "revoke", "revoked"), (WALLET, "expire", "expired")}
# `plan_update` edits a draft and proposes a change to a listed plan: the two
# actions are one service, refused together only where neither applies.
SHARED_SERVICE = {
    (PLAN, "edit", "listed"),
    (PLAN, "propose_change", "draft"),
    (PLAN, "propose_change", "changes_requested"),
}


@pytest.fixture
def world(program):
    vendor_user = VendorUserFactory()
    member = MemberFactory()
    staff = StaffFactory()
    plan = PlanFactory(vendor=vendor_user.vendor)
    return {"vendor": vendor_user, "member": member, "staff": staff, "plan": plan}


# --- how to make an object of each machine, and take each action ---------------


def _order(w, status):
    order = orders.order_create(user=w["member"], plan=w["plan"])
    Order.objects.filter(pk=order.pk).update(status=status)
    return Order.objects.get(pk=order.pk)


ORDER_ACTIONS = {
    "submit": lambda w, o: orders.order_submit(
        order=o, actor=w["member"], agree_contract=True, verification=SIM
    ),
    "accept": lambda w, o: orders.order_accept(
        order=o, actor=w["vendor"], payment_link="https://pay.example/1"
    ),
    "reject": lambda w, o: orders.order_reject(order=o, actor=w["vendor"], reason="no"),
    "lapse": lambda w, o: orders.order_lapse(order=o),
    "withdraw": lambda w, o: orders.order_withdraw(order=o, actor=w["member"]),
    "cancel_unpaid": lambda w, o: orders.order_cancel_unpaid(order=o),
    "confirm_payment": lambda w, o: orders.order_confirm_payment(order=o, actor=w["vendor"]),
    "start_service": lambda w, o: orders.order_start_service(
        order=o, actor=w["vendor"], service_start=timezone.localdate()
    ),
    "complete": lambda w, o: orders.order_complete(order=o),
    "cancel_paid": lambda w, o: orders.order_cancel_paid(order=o, actor=w["member"], reason="x"),
    "refund": lambda w, o: orders.order_mark_refunded(order=o, actor=w["staff"]),
    "invoice": lambda w, o: orders.order_record_invoice(
        order=o, actor=w["vendor"], invoice_number="AB12345678", issued_on=timezone.localdate()
    ),
    "flag_invoice_late": lambda w, o: orders.order_flag_invoice_late(order=o),
    "flag_delivery_late": lambda w, o: orders.order_flag_delivery_late(order=o),
    "confirm_service": lambda w, o: orders.order_confirm_service(order=o, actor=w["member"]),
    "report_problem": lambda w, o: orders.order_report_problem(
        order=o, actor=w["member"], reason="x"
    ),
    "resolve_problem": lambda w, o: orders.order_resolve_problem(
        order=o, actor=w["staff"], note="x"
    ),
}


def _refund(w, status):
    order = _order(w, Order.Status.CANCELLED)
    refund = Refund.objects.create(
        order=order,
        status=status,
        cancelled_on=TODAY,
        term_months=6,
        used_months=1,
        over_half=False,
        self_pay_refund=1000,
        points_returned=0,
        points_to_wallet=0,
        points_to_program=0,
        created_at=timezone.now(),
        settled_at=timezone.now() if status == Refund.Status.SETTLED else None,
    )
    return refund


REFUND_ACTIONS = {
    "confirm": lambda w, r: refunds.refund_confirm(refund=r, actor=w["vendor"]),
    "dispute": lambda w, r: refunds.refund_dispute(refund=r, actor=w["member"], note="x"),
    "resolve": lambda w, r: refunds.refund_resolve(refund=r, actor=w["staff"], note="x"),
}


def _vendor(w, status):
    vendor = w["vendor"].vendor
    vendor.admin_user = w["vendor"]
    vendor.save(update_fields=["admin_user"])
    Vendor.objects.filter(pk=vendor.pk).update(status=status)
    return Vendor.objects.get(pk=vendor.pk)


def _join(w, vendor):
    invitation = VendorInvitation.objects.create(
        vendor=vendor,
        email="colleague@example.test",
        token="t" * 40,
        invited_by=w["vendor"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return catalog.vendor_invitation_accept(token=invitation.token, password="a-Long-passw0rd-x")


VENDOR_ACTIONS = {
    "approve": lambda w, v: catalog.vendor_approve(vendor=v, actor=w["staff"]),
    "reject": lambda w, v: catalog.vendor_reject(vendor=v, actor=w["staff"], note="x"),
    "invite": lambda w, v: catalog.vendor_invite(vendor=v, actor=w["vendor"], email="c@x.test"),
    "join": _join,
}


def _plan(w, status):
    plan = w["plan"]
    Plan.objects.filter(pk=plan.pk).update(
        status=status, listed_at=plan.listed_at or timezone.now()
    )
    return Plan.objects.get(pk=plan.pk)


PLAN_ACTIONS = {
    "edit": lambda w, p: catalog.plan_update(plan=p, actor=w["vendor"], price=59_000),
    "propose_change": lambda w, p: catalog.plan_update(plan=p, actor=w["vendor"], price=59_000),
    "submit": lambda w, p: catalog.plan_submit(plan=p, actor=w["vendor"]),
    "approve": lambda w, p: catalog.plan_approve(plan=p, actor=w["staff"]),
    "request_changes": lambda w, p: catalog.plan_request_changes(
        plan=p, actor=w["staff"], note="x"
    ),
    "reject": lambda w, p: catalog.plan_reject(plan=p, actor=w["staff"], note="x"),
    "zone_exclude": lambda w, p: catalog.plan_set_zone_exclusion(
        plan=p, actor=w["staff"], excluded=True
    ),
    "zone_include": lambda w, p: catalog.plan_set_zone_exclusion(
        plan=p, actor=w["staff"], excluded=False
    ),
}


def _revision(w, status):
    plan = w["plan"]
    revision = PlanRevision.objects.create(
        plan=plan,
        name=plan.name,
        summary=plan.summary,
        price=59_000,
        term_months=plan.term_months,
        status=status,
    )
    return revision


REVISION_ACTIONS = {
    "revision_approve": lambda w, r: catalog.plan_revision_approve(revision=r, actor=w["staff"]),
    "revision_reject": lambda w, r: catalog.plan_revision_reject(
        revision=r, actor=w["staff"], note="x"
    ),
}


def _application(w, step):
    from tests.members import factories as wizard

    application = wizard.start()
    RegistrationApplication.objects.filter(pk=application.pk).update(
        step=step, verified_at=timezone.now(), verification_method="phone", phone="0912345678"
    )
    return RegistrationApplication.objects.get(pk=application.pk)


REGISTRATION_ACTIONS = {
    "method_chosen": lambda w, a: members.registration_choose_method(
        application=a,
        method="phone",
        national_id="A123456789",
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    ),
    "verified": lambda w, a: members.registration_verify(application=a, proof=SIM),
    "declarations_accepted": lambda w, a: members.registration_accept_declarations(
        application=a, data_query=True, declarations={}
    ),
    "consent_given": lambda w, a: members.registration_consent(application=a, personal_data=True),
    "account_created": lambda w, a: members.registration_create_account(
        application=a, email="new@example.test", password="a-Long-passw0rd-x", name="王"
    ),
    "email_changed": lambda w, a: members.registration_change_email(
        application=a, email="other@example.test"
    ),
    "email_confirmed": lambda w, a: members.registration_confirm_email(application=a, code="1"),
}


def _business(w, status):
    business = BusinessFactory(kind=Business.Kind.TAX_REGISTERED)
    Business.objects.filter(pk=business.pk).update(review_status=status)
    return Business.objects.get(pk=business.pk)


REVIEW_ACTIONS = {
    "review_approved": lambda w, b: members.business_review_decide(
        business=b, actor=w["staff"], approve=True
    ),
    "review_rejected": lambda w, b: members.business_review_decide(
        business=b, actor=w["staff"], approve=False, reason="x"
    ),
}


def _wallet(w, status):
    wallet = Wallet.objects.create(business=w["member"].business, program=w["plan_program"])
    if status != Wallet.Status.NONE:
        now = timezone.now()
        Wallet.objects.filter(pk=wallet.pk).update(
            status=status,
            grants=1,
            granted_at=now - dt.timedelta(days=1),
            activation_deadline=now + dt.timedelta(days=30),
            expires_at=now + dt.timedelta(days=90),
        )
    return Wallet.objects.get(pk=wallet.pk)


WALLET_ACTIONS = {
    "grant": lambda w, x: points.wallet_grant(
        business=w["member"].business, program=w["plan_program"]
    ),
    "revoke": lambda w, x: points.wallet_revoke(wallet=x, actor=w["staff"]),
    "expire": lambda w, x: points.wallet_expire(wallet=x, actor=w["staff"]),
}


def _expert(w, status):
    request = points.expert_request_create(user=w["member"], kind="call")
    ExpertRequest.objects.filter(pk=request.pk).update(status=status)
    return ExpertRequest.objects.get(pk=request.pk)


EXPERT_ACTIONS = {
    "assign": lambda w, r: points.expert_request_assign(request=r, actor=w["staff"], expert="陳"),
    "schedule": lambda w, r: points.expert_request_schedule(
        request=r, actor=w["staff"], scheduled_for=timezone.now()
    ),
    "complete": lambda w, r: points.expert_request_complete(request=r, actor=w["staff"]),
    "cancel": lambda w, r: points.expert_request_cancel(request=r, actor=w["staff"]),
}

# Refusals a rule names better than "invalid_state".
EXPECTED_CODES = {
    (WALLET, "grant"): {"already_granted"},  # active or expired: T1, T4
    (VENDOR, "invite"): {"pending_review"},  # not approved (yet)
}


def _statement(w, status):
    return Statement.objects.create(
        vendor=w["vendor"].vendor,
        program=w["plan_program"],
        period=dt.date(2022, 5, 1),
        status=status,
        issued_at=timezone.now(),
        paid_on=TODAY if status == Statement.Status.PAID else None,
    )


STATEMENT_ACTIONS = {
    "approve": lambda w, s: settlement.statement_approve(statement=s, actor=w["staff"]),
    "pay": lambda w, s: settlement.statement_pay(
        statement=s, actor=w["staff"], paid_on=TODAY, transfer_reference="T1"
    ),
    "dispute": lambda w, s: settlement.statement_dispute(
        statement=s, actor=w["vendor"], reason="x"
    ),
    "resolve_to_draft": lambda w, s: settlement.statement_resolve(
        statement=s, actor=w["staff"], note="x"
    ),
    "resolve_to_approved": lambda w, s: settlement.statement_resolve(
        statement=s, actor=w["staff"], note="x"
    ),
}

WALKS = {
    ORDER: (_order, ORDER_ACTIONS),
    REFUND: (_refund, REFUND_ACTIONS),
    VENDOR: (_vendor, VENDOR_ACTIONS),
    PLAN: (_plan, PLAN_ACTIONS),
    PLAN_REVISION: (_revision, REVISION_ACTIONS),
    REGISTRATION: (_application, REGISTRATION_ACTIONS),
    BUSINESS_REVIEW: (_business, REVIEW_ACTIONS),
    WALLET: (_wallet, WALLET_ACTIONS),
    EXPERT_REQUEST: (_expert, EXPERT_ACTIONS),
    STATEMENT: (_statement, STATEMENT_ACTIONS),
}


def _illegal_pairs():
    for machine, (_make, actions) in WALKS.items():
        for action, rule in machine.table.items():
            if (machine, action) in NOT_WALKED:
                continue
            for status in machine.statuses:
                if status in rule.sources or (machine, action, status) in IDEMPOTENT:
                    continue
                if (machine, action, status) in SHARED_SERVICE:
                    continue
                yield pytest.param(
                    machine, action, status, id=f"{machine.model.__name__}-{action}-{status}"
                )


def test_every_machine_and_action_is_walked():
    """A new machine or action must be added to the walk (or named as not walked)."""
    assert set(WALKS) == set(machines())
    for machine, (_make, actions) in WALKS.items():
        walked = set(actions) | {a for (m, a) in NOT_WALKED if m is machine}
        assert walked == set(machine.table), machine.model.__name__


@pytest.mark.parametrize(("machine", "action", "status"), list(_illegal_pairs()))
def test_an_illegal_move_is_refused_with_409_and_changes_nothing(
    world, program, machine, action, status
):
    world["plan_program"] = program
    make, actions = WALKS[machine]
    obj = make(world, status)
    events_before = machine.event_model.objects.count()
    with pytest.raises(RuleError) as refused:  # the API answers every RuleError with 409
        actions[action](world, obj)
    # The status is what refused it (or a rule that names the same refusal better).
    assert refused.value.code in EXPECTED_CODES.get((machine, action), {"invalid_state"}), (
        refused.value.code,
        refused.value.message,
    )
    obj.refresh_from_db()
    assert machine.status_of(obj) == status
    assert machine.event_model.objects.count() == events_before


# --- the same over HTTP: the API answers 409 `invalid_state` -------------------

ORDER_ENDPOINTS = {
    "submit": (
        "member",
        "/api/v1/orders/{id}/submit/",
        {"agree_contract": True, "verification": SIM},
    ),
    "accept": (
        "vendor",
        "/api/v1/vendor/orders/{id}/accept/",
        {"payment_link": "https://p.example"},
    ),
    "reject": ("vendor", "/api/v1/vendor/orders/{id}/reject/", {"reason": "no"}),
    "confirm_payment": ("vendor", "/api/v1/vendor/orders/{id}/confirm-payment/", {}),
    "invoice": (
        "vendor",
        "/api/v1/vendor/orders/{id}/invoice/",
        {"invoice_number": "AB12345678", "issued_on": "2022-06-01"},
    ),
    "start_service": (
        "vendor",
        "/api/v1/vendor/orders/{id}/start-service/",
        {"service_start": "2022-06-01"},
    ),
}


def _order_api_pairs():
    for action, _endpoint in ORDER_ENDPOINTS.items():
        rule = ORDER.table[action]
        for status in ORDER.statuses:
            # A vendor never sees drafts (404, not 409): the member's own.
            if status not in rule.sources and not (
                status == "draft" and ORDER_ENDPOINTS[action][0] == "vendor"
            ):
                yield pytest.param(action, status, id=f"{action}-{status}")


@pytest.mark.parametrize(("action", "status"), list(_order_api_pairs()))
def test_an_illegal_order_move_over_the_api_is_409_invalid_state(world, action, status):
    from rest_framework.test import APIClient

    order = _order(world, status)
    role, path, body = ORDER_ENDPOINTS[action]
    client = APIClient()
    client.force_authenticate(world[role])
    response = client.post(path.format(id=order.pk), body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_state"
    order.refresh_from_db()
    assert order.status == status
