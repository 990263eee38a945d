"""Personal data of abandoned registrations is forgotten when they expire."""

import datetime as dt

import pytest
from django.utils import timezone

from members.models import RegistrationApplication
from members.sweeps import purge_expired_applications
from tests.members import factories as wf

pytestmark = pytest.mark.django_db


def test_expired_applications_lose_the_national_id_and_phone():
    application = wf.start()
    from members import services

    services.registration_choose_method(
        application=application,
        method="phone",
        national_id="A123456789",
        phone="0912345678",
        roc_national=True,
        postpaid=True,
    )
    fresh = wf.start("95179194")
    assert purge_expired_applications(now=timezone.now()) == 0
    later = application.expires_at + dt.timedelta(seconds=1)
    RegistrationApplication.objects.filter(pk=fresh.pk).update(
        expires_at=later + dt.timedelta(days=1)
    )
    assert purge_expired_applications(now=later) == 1
    application.refresh_from_db()
    assert application.representative_national_id == "" and application.phone == ""
    assert purge_expired_applications(now=later) == 0
