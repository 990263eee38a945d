"""Vendors join through an application staff review (tax ID checked, RULES M4),
and a vendor's administrator invites colleagues."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalog import services
from catalog.models import Vendor, VendorEvent, VendorInvitation
from members.models import User
from tcloud.core.errors import InvalidState, RuleError
from tests import factories

pytestmark = pytest.mark.django_db

APPLICATION = {
    "tax_id": "53212539",
    "name": "雲端好管家資訊股份有限公司",
    "representative": "林雅婷",
    "address": "台北市信義區信義路五段7號",
    "phone": "02-2712-3456",
    "website": "https://example.com",
    "description": "ERP",
    "contact_name": "林雅婷",
    "contact_email": "sales@haoguanjia.test",
    "contact_phone": "0912-345-678",
    "bank_code": "812",
    "bank_branch": "信義分行",
    "bank_account_name": "雲端好管家資訊股份有限公司",
    "bank_account_number": "12345678901234",
    "admin_name": "林雅婷",
    "admin_email": "admin@haoguanjia.test",
    "admin_password": "a-Long-vendor-passw0rd",
}


def test_vendor_applies_and_staff_approve_with_a_note(
    staff_user, django_capture_on_commit_callbacks
):
    vendor = services.vendor_apply(**APPLICATION)
    assert vendor.status == Vendor.Status.PENDING
    admin = User.objects.get(email="admin@haoguanjia.test")
    assert admin.role == "vendor" and admin.vendor == vendor and vendor.admin_user == admin
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_approve(vendor=vendor, actor=staff_user, note="資料齊全")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.APPROVED and vendor.review_note == "資料齊全"
    assert list(vendor.events.values_list("action", flat=True)) == ["apply", "approve"]
    assert "資料齊全" in mail.outbox[-1].body
    with pytest.raises(InvalidState):
        services.vendor_approve(vendor=vendor, actor=staff_user)


def test_vendor_rejection_needs_a_note(staff_user):
    vendor = services.vendor_apply(**APPLICATION)
    with pytest.raises(ValidationError):
        services.vendor_reject(vendor=vendor, actor=staff_user, note="")
    services.vendor_reject(vendor=vendor, actor=staff_user, note="營業項目不符")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.REJECTED


def test_only_staff_review_vendors(vendor_user):
    vendor = services.vendor_apply(**APPLICATION)
    # The kernel refuses a role a move is not for (tcloud.core.statemachine).
    with pytest.raises(InvalidState):
        services.vendor_approve(vendor=vendor, actor=vendor_user)
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.PENDING


@pytest.mark.parametrize("tax_id", ["12345678", "1234567", "A2345678"])
def test_M4_vendor_application_refuses_a_bad_tax_id_and_creates_nothing(tax_id):
    with pytest.raises(ValidationError) as exc:
        services.vendor_apply(**{**APPLICATION, "tax_id": tax_id})
    assert "tax_id" in exc.value.message_dict
    assert (
        not Vendor.objects.exists()
        and not User.objects.filter(email=APPLICATION["admin_email"]).exists()
    )


def test_vendor_cannot_apply_twice_or_reuse_an_email(member):
    services.vendor_apply(**APPLICATION)
    with pytest.raises(ValidationError) as exc:
        services.vendor_apply(**{**APPLICATION, "admin_email": "other@x.test"})
    assert "tax_id" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.vendor_apply(**{**APPLICATION, "tax_id": "42819806", "admin_email": member.email})
    assert "admin_email" in exc.value.message_dict
    assert Vendor.objects.count() == 1


def test_vendor_apply_page(client):
    response = client.get(reverse("vendor_apply"))
    assert response.status_code == 200
    data = {**APPLICATION, "tax_id": "12345678"}
    response = client.post(reverse("vendor_apply"), data)
    assert response.status_code == 200
    assert 'data-testid="error-tax_id"' in response.content.decode()
    assert not Vendor.objects.exists()
    response = client.post(reverse("vendor_apply"), APPLICATION)
    assert response.status_code == 302
    assert Vendor.objects.get().status == Vendor.Status.PENDING


def test_vendor_admin_invites_a_colleague_who_joins(
    vendor_admin, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.vendor_invite(
            vendor=vendor_admin.vendor,
            actor=vendor_admin,
            email="Colleague@Vendor.test",
            base_url="http://testserver",
        )
    assert invitation.email == "colleague@vendor.test"
    assert invitation.token in mail.outbox[-1].body
    url = reverse("vendor_invitation", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "同事", "password": "a-Long-colleague-passw0rd"})
    assert response.status_code == 302
    user = User.objects.get(email="colleague@vendor.test")
    assert user.role == "vendor" and user.vendor == vendor_admin.vendor
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    assert VendorEvent.objects.filter(vendor=vendor_admin.vendor, action="join").exists()
    # The token works once.
    with pytest.raises(InvalidState):
        services.vendor_invitation_accept(token=invitation.token, password="a-Long-x-passw0rd")
    # The colleague is not the administrator: may not invite.
    with pytest.raises(PermissionDenied):
        services.vendor_invite(vendor=user.vendor, actor=user, email="x@y.test")


def test_only_the_vendor_admin_of_an_approved_vendor_invites(vendor_user, vendor_admin):
    with pytest.raises(PermissionDenied):
        services.vendor_invite(vendor=vendor_admin.vendor, actor=vendor_user, email="x@y.test")
    pending = factories.VendorUserFactory(vendor__status=Vendor.Status.PENDING)
    pending.vendor.admin_user = pending
    pending.vendor.save()
    with pytest.raises(RuleError):
        services.vendor_invite(vendor=pending.vendor, actor=pending, email="x@y.test")
    assert not VendorInvitation.objects.exists()


def test_expired_invitation_is_refused(vendor_admin):
    import datetime as dt

    from django.utils import timezone

    invitation = services.vendor_invite(
        vendor=vendor_admin.vendor, actor=vendor_admin, email="a@b.test"
    )
    VendorInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(RuleError) as exc:
        services.vendor_invitation_accept(token=invitation.token, password="a-Long-x-passw0rd")
    assert exc.value.code == "deadline_passed"
    assert not User.objects.filter(email="a@b.test").exists()


def test_team_page_invites(client, vendor_admin, vendor_user):
    client.force_login(vendor_admin)
    response = client.post(reverse("vendor_team"), {"email": "new@vendor.test"})
    assert response.status_code == 302
    assert VendorInvitation.objects.filter(email="new@vendor.test").exists()
    client.force_login(vendor_user)  # not its vendor's admin
    assert client.post(reverse("vendor_team"), {"email": "n2@vendor.test"}).status_code == 403
    assert not VendorInvitation.objects.filter(email="n2@vendor.test").exists()
