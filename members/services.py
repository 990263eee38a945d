"""Write paths of the members app: businesses and user accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from members.models import Business, User


@transaction.atomic
def business_create(*, tax_id: str, name: str, kind: str) -> Business:
    business = Business(tax_id=tax_id, name=name, kind=kind)
    business.full_clean()
    business.save()
    return business


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: str,
    name: str = "",
    business: Business | None = None,
    vendor=None,
    email_verified: bool = False,
    password_hash: str | None = None,
    superuser: bool = False,
) -> User:
    """Create an account of any role; staff accounts get admin access.

    `email_verified` is for accounts staff vouch for (seed data, staff-created
    vendors); members confirm their address with the emailed code.
    """
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        name=name,
        business=business,
        vendor=vendor,
        is_staff=role == User.Role.STAFF,
        is_superuser=superuser and role == User.Role.STAFF,
    )
    if password_hash:
        # Bulk demo accounts share one precomputed hash: hashing is slow on purpose.
        user.password = password_hash
        user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user
