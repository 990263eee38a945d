"""Navigation and page access follow the role; a wrong role gets a clear 403."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_member_sees_member_pages_and_member_navigation(client, member):
    client.force_login(member)
    response = client.get(reverse("member_home"))
    assert response.status_code == 200
    assert 'data-testid="nav-member"' in response.content.decode()
    assert 'data-testid="nav-vendor"' not in response.content.decode()


def test_vendor_sees_the_vendor_portal(client, vendor_user):
    client.force_login(vendor_user)
    response = client.get(reverse("vendor_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert vendor_user.vendor.name in body
    assert 'data-testid="nav-vendor"' in body and 'data-testid="nav-member"' not in body


@pytest.mark.parametrize(
    ("who", "url"),
    [("member", "vendor_home"), ("vendor_user", "member_home"), ("staff_user", "member_home")],
)
def test_wrong_role_gets_a_clear_403_page(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="forbidden"' in body
    assert "此頁面不屬於您的帳號類型" in body


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("member_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_reach_the_admin_and_others_do_not(client, staff_user, member):
    client.force_login(staff_user)
    assert client.get("/admin/").status_code == 200
    assert 'data-testid="nav-staff"' in client.get("/").content.decode()
    client.force_login(member)
    assert client.get("/admin/").status_code == 302  # the admin's own login page


def test_a_user_acts_for_one_party_matching_its_role(member, vendor_user):
    from django.db import IntegrityError, transaction

    member.vendor = vendor_user.vendor
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_403_page_names_the_pages_roles_in_the_users_language(client, member):
    client.force_login(member)
    body = client.get(reverse("vendor_home")).content.decode()
    assert 'data-testid="forbidden-reason"' in body
    assert "資訊服務業者" in body  # "Vendor", translated
    client.cookies["django_language"] = "en"
    body = client.get(reverse("vendor_home")).content.decode()
    assert "This page is for: Vendor." in body
