"""Staff decide in the admin through review pages that call the services: a
note the vendor sees, one event per decision; status is never edited directly."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import Plan, PlanRevision, Vendor, VendorEvent
from tests import factories
from tests.catalog.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_staff_approve_a_vendor_application_in_the_admin(client, staff_user):
    vendor = factories.VendorFactory(status=Vendor.Status.PENDING)
    client.force_login(staff_user)
    url = f"/admin/catalog/vendor/{vendor.pk}/review/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "approve", "note": "文件齊全"})
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == "approved" and vendor.review_note == "文件齊全"
    assert VendorEvent.objects.filter(vendor=vendor, action="approve", actor=staff_user).exists()


def test_rejecting_without_a_note_changes_nothing(client, staff_user):
    vendor = factories.VendorFactory(status=Vendor.Status.PENDING)
    client.force_login(staff_user)
    response = client.post(
        f"/admin/catalog/vendor/{vendor.pk}/review/", {"decision": "reject", "note": ""}
    )
    assert response.status_code == 200  # the form again, with the error
    vendor.refresh_from_db()
    assert vendor.status == "pending" and not vendor.events.exists()


def test_staff_approve_a_listed_plans_change_in_the_admin(
    client, staff_user, vendor_user, categories
):
    plan = PlanFactory(vendor=vendor_user.vendor)
    services.plan_update(plan=plan, actor=vendor_user, price=66_000)
    revision = PlanRevision.objects.get(plan=plan)
    client.force_login(staff_user)
    body = client.get(f"/admin/catalog/planrevision/{revision.pk}/review/").content.decode()
    assert "66000" in body and "60000" in body  # listed vs proposed
    client.post(
        f"/admin/catalog/planrevision/{revision.pk}/review/", {"decision": "approve", "note": ""}
    )
    plan.refresh_from_db()
    assert plan.price == 66_000


def test_O1_staff_take_a_plan_out_of_the_zone_in_the_admin(client, staff_user, open_program):
    plan = PlanFactory()
    client.force_login(staff_user)
    inline = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}  # no events yet
    response = client.post(
        f"/admin/catalog/plan/{plan.pk}/change/", {"excluded_from_zone": "on", **inline}
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for f in response.context["inline_admin_formsets"]],
    )
    plan.refresh_from_db()
    assert plan.excluded_from_zone and plan.events.filter(action="zone_exclude").exists()
    assert plan.status == Plan.Status.LISTED


def test_admin_change_form_cannot_change_status(client, staff_user, categories):
    plan = PlanFactory(status=Plan.Status.SUBMITTED, listed_at=None)
    client.force_login(staff_user)
    client.post(f"/admin/catalog/plan/{plan.pk}/change/", {"status": "listed", "price": "1"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED and plan.price == 60_000


def test_non_staff_cannot_reach_review_pages(client, vendor_user, categories):
    plan = PlanFactory(status=Plan.Status.SUBMITTED, listed_at=None)
    client.force_login(vendor_user)
    response = client.post(f"/admin/catalog/plan/{plan.pk}/review/", {"decision": "approve"})
    assert response.status_code == 302  # the admin's login page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
