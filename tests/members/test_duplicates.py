"""Two applications of one tax ID, and emails left at an abandoned email step (RULES M4, M6).

The business's registry, representative and verification data come only from
the application that confirms its email; another application of the same tax
ID can neither overwrite them nor leave its account attached to the business.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from members import services
from members.models import Business, Consent, RegistrationApplication, User
from tcloud.core.errors import InvalidState, RuleError
from tests.factories import PASSWORD, MemberFactory
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID

pytestmark = pytest.mark.django_db

OTHER_NATIONAL_ID = "B223456782"
OTHER_PHONE = "0987654321"


@pytest.fixture(autouse=True)
def _messages_in_english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _create_account(application, email: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email=email, password=PASSWORD, name="x"
        )
    application.refresh_from_db()
    return wf.email_code(mail.outbox[-1].body)


def _owner_and_stranger():
    """A (the owner) at the email step; B (a stranger) at the account step of the
    same tax ID with another national ID and phone."""
    owner = wf.at_account(COMPANY, national_id=NATIONAL_ID)
    owner_code = _create_account(owner, "owner@example.test")
    stranger = wf.at_account(COMPANY, national_id=OTHER_NATIONAL_ID, phone=OTHER_PHONE)
    return owner, owner_code, stranger


def _assert_business_of(user, *, national_id: str, phone: str):
    business = Business.objects.get(tax_id=COMPANY)
    assert business.representative_national_id == national_id
    assert business.representative_phone == phone
    assert business.representative_name == "張晨光"  # the registry's, not typed by anyone
    assert list(business.users.all()) == [user]  # no other account attached
    return business


def test_M4_stranger_at_the_account_step_cannot_register_once_the_owner_confirms():
    owner, owner_code, stranger = _owner_and_stranger()
    user = services.registration_confirm_email(application=owner, code=owner_code)
    _assert_business_of(user, national_id=NATIONAL_ID, phone="0912345678")
    with pytest.raises(RuleError) as refused:
        services.registration_create_account(
            application=stranger, email="stranger@example.test", password=PASSWORD, name="y"
        )
    assert refused.value.code == "already_registered"
    assert "already registered" in refused.value.message
    assert not User.objects.filter(email="stranger@example.test").exists()
    _assert_business_of(user, national_id=NATIONAL_ID, phone="0912345678")


def test_M4_stranger_account_created_before_the_owner_confirms_does_not_overwrite_the_business():
    owner, owner_code, stranger = _owner_and_stranger()
    stranger_code = _create_account(stranger, "stranger@example.test")
    # Nothing of an unconfirmed application is written on the business.
    business = Business.objects.get(tax_id=COMPANY)
    assert business.representative_national_id == "" and business.representative_phone == ""
    assert not business.users.exists()

    user = services.registration_confirm_email(application=owner, code=owner_code)
    business = _assert_business_of(user, national_id=NATIONAL_ID, phone="0912345678")
    assert business.verification_method == "phone" and user.business == business
    # The owner's consents are on the business, the stranger's are not.
    assert set(Consent.objects.filter(business=business).values_list("application", flat=True)) == {
        owner.pk
    }

    with pytest.raises(RuleError) as refused:
        services.registration_confirm_email(application=stranger, code=stranger_code)
    assert refused.value.code == "already_registered"
    stranger_user = User.objects.get(email="stranger@example.test")
    assert not stranger_user.is_active and stranger_user.business is None
    _assert_business_of(user, national_id=NATIONAL_ID, phone="0912345678")


def test_M4_when_the_stranger_confirms_first_the_business_holds_only_its_data():
    # The reverse order: the application that completes decides, and the other
    # one leaves nothing on the business.
    owner, owner_code, stranger = _owner_and_stranger()
    stranger_code = _create_account(stranger, "stranger@example.test")
    first = services.registration_confirm_email(application=stranger, code=stranger_code)
    _assert_business_of(first, national_id=OTHER_NATIONAL_ID, phone=OTHER_PHONE)
    with pytest.raises(RuleError) as refused:
        services.registration_confirm_email(application=owner, code=owner_code)
    assert refused.value.code == "already_registered"
    assert User.objects.get(email="owner@example.test").business is None
    _assert_business_of(first, national_id=OTHER_NATIONAL_ID, phone=OTHER_PHONE)


def test_M4_new_application_for_a_tax_id_with_an_active_member_is_refused_at_every_step():
    open_application = wf.start(COMPANY)  # started before anyone finished
    wf.member(COMPANY, email="owner@example.test")
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=open_application,
            method="phone",
            national_id=OTHER_NATIONAL_ID,
            phone=OTHER_PHONE,
            roc_national=True,
            postpaid=True,
        )
    assert refused.value.code == "already_registered"
    open_application.refresh_from_db()
    assert open_application.representative_national_id == "" and open_application.phone == ""


# --- RULES M6: an abandoned email step does not hold on to the email ------------


def test_M6_email_left_at_an_abandoned_email_step_can_register_again_after_the_link_expires():
    abandoned = wf.at_account()
    _create_account(abandoned, "again@example.test")
    later = timezone.now() + dt.timedelta(days=15)
    with time_machine.travel(later):
        assert services.registration_resume_get(token="x") is None
        fresh = wf.at_account()
        code = _create_account(fresh, "Again@Example.test")
        user = services.registration_confirm_email(application=fresh, code=code)
    assert user.is_active and user.email == "again@example.test"
    assert User.objects.filter(email__iexact="again@example.test").count() == 1
    assert EmailAddress.objects.filter(email__iexact="again@example.test").count() == 1
    # The abandoned application cannot confirm for the replaced account any more.
    abandoned.refresh_from_db()
    assert abandoned.user is None
    with pytest.raises(InvalidState):
        services.registration_confirm_email(application=abandoned, code="123456")


def test_M6_email_of_an_abandoned_email_step_can_be_used_by_another_application():
    abandoned = wf.at_account()
    _create_account(abandoned, "reuse@example.test")
    old = User.objects.get(email="reuse@example.test")
    fresh = wf.at_account()
    _create_account(fresh, "reuse@example.test")
    assert not User.objects.filter(pk=old.pk).exists()
    assert fresh.user.email == "reuse@example.test"
    abandoned.refresh_from_db()
    assert abandoned.user is None and abandoned.expires_at <= timezone.now()


def test_M6_email_of_an_active_or_deactivated_member_still_blocks():
    MemberFactory(email="active@example.test")
    deactivated = wf.member(email="gone@example.test")
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    application = wf.at_account("04702088")
    for email in ("active@example.test", "gone@example.test"):
        with pytest.raises(Exception) as refused:
            services.registration_create_account(
                application=application, email=email, password=PASSWORD, name="x"
            )
        assert "email" in refused.value.message_dict
    assert User.objects.filter(email="gone@example.test").exists()
    assert RegistrationApplication.objects.get(pk=application.pk).step == "account"
