"""Re-authentication with the registered method (M5), the interface orders use (O3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from members import services
from tcloud.core.errors import RuleError
from tests.factories import BusinessFactory
from tests.members import factories as wf
from tests.members.conftest import COMPANY

pytestmark = [pytest.mark.django_db]


def test_M5_reauth_sends_a_code_to_the_registered_phone(settings, sms_outbox):
    business = wf.member().business
    settings.VERIFICATION_SIMULATOR = False
    sms_outbox.clear()
    info = services.business_reauth_start(business=business)
    assert info == {"method": "phone", "sent_to": "0912***678"}
    code = wf.email_code(sms_outbox[-1][1])
    wrong = "111111" if code != "111111" else "222222"
    with pytest.raises(RuleError) as refused:
        services.business_reauth_check(business=business, proof={"code": wrong})
    assert refused.value.code == "wrong_code"
    services.business_reauth_check(business=business, proof={"code": code})
    with pytest.raises(RuleError) as replay:
        services.business_reauth_check(business=business, proof={"code": code})
    assert replay.value.code == "challenge_used"


def test_M5_reauth_with_a_certificate_uses_the_same_checks(settings, trusted_cas, moeaca):
    business = wf.member(method="business_cert").business
    settings.VERIFICATION_SIMULATOR = False
    info = services.business_reauth_start(business=business)
    assert info["method"] == "business_cert"
    holder = moeaca.issue(cn="x", serial=COMPANY)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        with pytest.raises(RuleError) as late:
            services.business_reauth_check(business=business, proof=holder.proof(info["challenge"]))
        assert late.value.code == "expired"
        info = services.business_reauth_start(business=business)
        other = moeaca.issue(cn="x", serial="04702088")
        with pytest.raises(RuleError) as foreign:
            services.business_reauth_check(business=business, proof=other.proof(info["challenge"]))
        assert foreign.value.code == "certificate_of_another_party"
        services.business_reauth_check(business=business, proof=holder.proof(info["challenge"]))


def test_M5_reauth_simulator_code_passes_only_with_the_simulator(settings):
    business = BusinessFactory()  # no method on record (created by staff)
    assert services.business_reauth_start(business=business) == {"method": "simulator"}
    services.business_reauth_check(business=business, proof={"code": "000000"})
    settings.VERIFICATION_SIMULATOR = False
    with pytest.raises(RuleError):
        services.business_reauth_start(business=business)
