"""The registration wizard's services (RULES M4, M5, M6): order, refusals, nothing half-created."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from members import services
from members.models import (
    Business,
    Consent,
    MemberEvent,
    RegistrationApplication,
    User,
    VerificationChallenge,
)
from tcloud.core.errors import InvalidState, RuleError
from tests.factories import PASSWORD, MemberFactory
from tests.members import factories as wf
from tests.members.conftest import COMPANY, NATIONAL_ID, TAX_REGISTERED

pytestmark = pytest.mark.django_db


def _nothing_created():
    assert RegistrationApplication.objects.count() == 0
    assert Business.objects.filter(tax_id__in=[COMPANY, TAX_REGISTERED]).count() == 0


def test_M6_steps_run_in_order_and_end_with_an_active_member(sms_outbox):
    application, token = services.registration_start(tax_id=COMPANY)
    assert application.step == "verification" and application.kind == "company"
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912-345-678",
        roc_national=True,
        postpaid=True,
    )
    code = wf.email_code(sms_outbox[-1][1])
    services.registration_verify(application=application, proof={"code": code})
    services.registration_accept_declarations(
        application=application,
        data_query=True,
        declarations=dict.fromkeys(["law", "breach"], True),
    )
    services.registration_consent(application=application, personal_data=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        user = services.registration_create_account(
            application=application, email="Boss@Example.test", password=PASSWORD, name="張晨光"
        )
    assert not user.is_active  # cannot sign in before the email step
    code = wf.email_code(mail.outbox[-1].body)
    user = services.registration_confirm_email(application=application, code=code)

    application.refresh_from_db()
    assert application.step == "done"
    assert user.is_active and user.role == "member" and user.email == "boss@example.test"
    assert user.business.tax_id == COMPANY and user.business.name == "晨光文具有限公司"
    assert user.business.verification_method == "phone"
    assert user.business.representative_national_id == NATIONAL_ID
    assert application.representative_national_id == ""  # kept on the business only
    assert EmailAddress.objects.get(user=user).verified
    assert [e.action for e in MemberEvent.objects.filter(application=application)] == [
        "started",
        "method_chosen",
        "verified",
        "declarations_accepted",
        "consent_given",
        "account_created",
        "email_confirmed",
    ]
    consents = {c.kind: c for c in Consent.objects.filter(business=user.business)}
    assert set(consents) == {"data_query", "declarations", "personal_data"}
    assert all(c.text_version and c.accepted_at for c in consents.values())
    # Declarations not ticked are stored as such (and make the business ineligible).
    assert consents["declarations"].answers["mainland"] is False


def test_M6_a_later_step_cannot_run_before_its_turn():
    application = wf.start()
    with pytest.raises(InvalidState):
        services.registration_consent(application=application, personal_data=True)
    with pytest.raises(InvalidState):
        services.registration_create_account(
            application=application, email="x@example.test", password=PASSWORD, name="x"
        )
    assert User.objects.filter(email="x@example.test").count() == 0
    application.refresh_from_db()
    assert application.step == "verification"


@pytest.mark.parametrize("tax_id", ["12345678", "1234567", "A2345678", "", "１２３４５６７８"])
def test_M4_wizard_refuses_a_bad_tax_id_and_creates_nothing(tax_id):
    with pytest.raises(ValidationError) as refused:
        services.registration_start(tax_id=tax_id)
    assert refused.value.message_dict["tax_id"]
    _nothing_created()


def test_M4_wizard_refuses_a_valid_tax_id_no_registry_knows():
    with pytest.raises(ValidationError) as refused:
        services.registration_start(tax_id="95495951")  # valid checksum, not in the registry
    assert "95495951" in refused.value.message_dict["tax_id"][0]
    assert RegistrationApplication.objects.count() == 0


def test_M4_duplicate_registration_is_refused_cleanly():
    MemberFactory(business__tax_id=COMPANY)
    with pytest.raises(RuleError) as refused:
        services.registration_start(tax_id=COMPANY)
    assert refused.value.code == "already_registered"
    assert RegistrationApplication.objects.count() == 0
    assert Business.objects.filter(tax_id=COMPANY).count() == 1


def test_M4_duplicate_registration_finishing_second_is_refused_at_the_account_step():
    second = wf.at_account()
    wf.member(email="a@example.test")  # another application of the same tax ID finishes first
    with pytest.raises(RuleError) as refused:
        services.registration_create_account(
            application=second, email="b@example.test", password=PASSWORD, name="乙"
        )
    assert refused.value.code == "already_registered"
    assert not User.objects.filter(email="b@example.test").exists()
    second.refresh_from_db()
    assert second.step == "account" and second.business is None


def test_M6_account_step_refuses_a_weak_password_or_used_email_and_creates_nothing():
    MemberFactory(email="taken@example.test")
    application = wf.at_account()
    with pytest.raises(ValidationError) as refused:
        services.registration_create_account(
            application=application, email="taken@example.test", password="123", name=""
        )
    assert {"email", "password", "name"} <= set(refused.value.message_dict)
    assert not Business.objects.filter(tax_id=COMPANY).exists()
    application.refresh_from_db()
    assert application.step == "account"


def test_M6_member_cannot_sign_in_until_the_email_is_confirmed(client):
    application = wf.at_account()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email="late@example.test", password=PASSWORD, name="x"
        )
    assert not client.login(email="late@example.test", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "late@example.test", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    code = wf.email_code(mail.outbox[-1].body)
    application.refresh_from_db()
    services.registration_confirm_email(application=application, code=code)
    assert client.login(email="late@example.test", password=PASSWORD)


def test_M6_wrong_and_expired_email_codes_are_refused():
    application = wf.at_account()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email="c@example.test", password=PASSWORD, name="x"
        )
    code = wf.email_code(mail.outbox[-1].body)
    wrong = "000001" if code != "000001" else "000002"
    with pytest.raises(RuleError) as refused:
        services.registration_confirm_email(application=application, code=wrong)
    assert refused.value.code == "wrong_code" and "4" in refused.value.message
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=11)),
        pytest.raises(RuleError) as late,
    ):
        services.registration_confirm_email(application=application, code=code)
    assert late.value.code == "expired"
    assert not User.objects.get(email="c@example.test").is_active


def test_M5_phone_wrong_code_counts_tries_and_locks_after_five(no_simulator, sms_outbox):
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    code = wf.email_code(sms_outbox[-1][1])
    wrong = "111111" if code != "111111" else "222222"
    for n in range(5):
        with pytest.raises(RuleError) as refused:
            services.registration_verify(application=application, proof={"code": wrong})
        assert refused.value.code == "wrong_code"
        if n < 4:
            assert f"{4 - n}" in refused.value.message
    with pytest.raises(RuleError) as locked:
        services.registration_verify(application=application, proof={"code": code})
    assert locked.value.code == "challenge_used"
    application.refresh_from_db()
    assert application.step == "verification" and application.verified_at is None
    assert VerificationChallenge.objects.get().attempts == 5


def test_M5_phone_code_expires_after_ten_minutes(no_simulator, sms_outbox):
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    code = wf.email_code(sms_outbox[-1][1])
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=10, seconds=1)),
        pytest.raises(RuleError) as refused,
    ):
        services.registration_verify(application=application, proof={"code": code})
    assert refused.value.code == "expired"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=9)):
        services.registration_verify(application=application, proof={"code": code})
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M5_resend_is_throttled_and_only_the_latest_code_works(no_simulator, sms_outbox):
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    first = wf.email_code(sms_outbox[-1][1])
    with pytest.raises(RuleError) as throttled:
        services.registration_resend(application=application)
    assert throttled.value.code == "throttled" and len(sms_outbox) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        services.registration_resend(application=application)
        second = wf.email_code(sms_outbox[-1][1])
        if first != second:
            with pytest.raises(RuleError):
                services.registration_verify(application=application, proof={"code": first})
        services.registration_verify(application=application, proof={"code": second})


def test_M5_code_sending_is_limited_per_hour(sms_outbox):
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    now = timezone.now()
    for n in range(1, 5):
        with time_machine.travel(now + dt.timedelta(minutes=2 * n)):
            services.registration_resend(application=application)
    with time_machine.travel(now + dt.timedelta(minutes=12)), pytest.raises(RuleError) as refused:
        services.registration_resend(application=application)
    assert refused.value.code == "throttled"
    assert len(sms_outbox) == 5


def test_M5_the_method_is_fixed_once_chosen():
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=application, method="citizen_cert", national_id=NATIONAL_ID
        )
    assert refused.value.code == "method_locked"
    application.refresh_from_db()
    assert application.verification_method == "phone"
    assert VerificationChallenge.objects.filter(method="citizen_cert").count() == 0


def test_M5_tax_registered_business_is_offered_certificates_only():
    application = wf.start(TAX_REGISTERED)
    assert application.kind == "tax_registered"
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=application,
            method="phone",
            national_id=NATIONAL_ID,
            phone="0912345678",
            roc_national=True,
            postpaid=True,
        )
    assert refused.value.code == "method_not_allowed"
    with pytest.raises(RuleError):
        services.registration_choose_method(
            application=application, method="business_cert", national_id=""
        )
    application.refresh_from_db()
    assert application.verification_method == ""
    services.registration_choose_method(
        application=application, method="mobile_cert", national_id=NATIONAL_ID
    )


def test_M5_phone_needs_roc_nationality_a_postpaid_number_and_a_valid_national_id():
    application = wf.start()
    with pytest.raises(ValidationError) as refused:
        services.registration_choose_method(
            application=application,
            method="phone",
            national_id="A123456788",
            phone="0212345678",
            roc_national=False,
            postpaid=False,
        )
    assert {"national_id", "phone", "roc_national", "postpaid"} <= set(refused.value.message_dict)
    application.refresh_from_db()
    assert application.verification_method == ""
    assert VerificationChallenge.objects.count() == 0


def test_M5_simulator_code_works_only_with_the_simulator_on(settings, sms_outbox):
    settings.VERIFICATION_SIMULATOR = False
    application = wf.start()
    services.registration_choose_method(
        application=application,
        method="phone",
        national_id=NATIONAL_ID,
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    if wf.email_code(sms_outbox[-1][1]) != "000000":
        with pytest.raises(RuleError):
            services.registration_verify(application=application, proof={"code": "000000"})
    settings.VERIFICATION_SIMULATOR = True
    services.registration_verify(application=application, proof={"code": "000000"})
    application.refresh_from_db()
    assert application.step == "declarations"


def test_M6_data_query_and_personal_data_consent_are_required():
    application = wf.verified()
    with pytest.raises(ValidationError):
        services.registration_accept_declarations(
            application=application, data_query=False, declarations={}
        )
    assert Consent.objects.count() == 0
    services.registration_accept_declarations(
        application=application, data_query=True, declarations={}
    )
    with pytest.raises(ValidationError):
        services.registration_consent(application=application, personal_data=False)
    application.refresh_from_db()
    assert application.step == "consent"
    assert Consent.objects.filter(kind="personal_data").count() == 0


def test_M6_resume_token_finds_the_open_application():
    application, token = services.registration_start(tax_id=COMPANY)
    assert services.registration_resume_get(token=token) == application
    assert services.registration_resume_get(token="not-a-token") is None
    assert token not in str(
        RegistrationApplication.objects.values_list("resume_token_hash", flat=True)[0]
    )


def test_M5_starting_over_does_not_switch_a_method_that_already_verified():
    wf.verified(method="phone")
    again = wf.start()
    with pytest.raises(RuleError) as refused:
        services.registration_choose_method(
            application=again, method="business_cert", national_id=""
        )
    assert refused.value.code == "method_locked"
    again.refresh_from_db()
    assert again.verification_method == ""
    # An unverified attempt locks nothing (a stranger cannot block the owner's choice).
    stranger = wf.start(TAX_REGISTERED)
    services.registration_choose_method(
        application=stranger, method="citizen_cert", national_id=NATIONAL_ID
    )
    owner = wf.start(TAX_REGISTERED)
    services.registration_choose_method(
        application=owner, method="mobile_cert", national_id=NATIONAL_ID
    )


def test_M6_a_mistyped_email_can_be_corrected_at_the_email_step():
    application = wf.at_account()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email="typo@exmaple.test", password=PASSWORD, name="x"
        )
    MemberFactory(email="taken@example.test")
    with pytest.raises(ValidationError):
        services.registration_change_email(application=application, email="taken@example.test")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_change_email(application=application, email="right@example.test")
    assert mail.outbox[-1].to == ["right@example.test"]
    user = services.registration_confirm_email(
        application=application, code=wf.email_code(mail.outbox[-1].body)
    )
    assert user.email == "right@example.test" and user.is_active
    assert EmailAddress.objects.get(user=user).email == "right@example.test"


def test_M4_an_abandoned_email_step_does_not_block_starting_over_but_only_one_finishes():
    abandoned = wf.at_account()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=abandoned, email="old@example.test", password=PASSWORD, name="x"
        )
    old_code = wf.email_code(mail.outbox[-1].body)
    user = wf.member(email="new@example.test")  # starts over and finishes
    assert user.is_active and user.business.tax_id == COMPANY
    abandoned.refresh_from_db()
    with pytest.raises(RuleError) as refused:
        services.registration_confirm_email(application=abandoned, code=old_code)
    assert refused.value.code == "already_registered"
    assert not User.objects.get(email="old@example.test").is_active
    with pytest.raises(RuleError):
        services.registration_start(tax_id=COMPANY)
