"""Two registrations of one tax ID racing to the end: exactly one member (M4, M6)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from members import services
from members.models import User
from tcloud.core.errors import RuleError
from tests.factories import PASSWORD
from tests.members import factories as wf
from tests.members.conftest import COMPANY


@pytest.mark.django_db(transaction=True)
def test_M4_concurrent_email_confirmations_make_exactly_one_member():
    codes = []
    applications = []
    for n in range(2):
        application = wf.at_account(COMPANY)
        services.registration_create_account(
            application=application, email=f"race{n}@example.test", password=PASSWORD, name="x"
        )
        codes.append(wf.email_code(mail.outbox[-1].body))
        applications.append(application)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(application, code):
        try:
            barrier.wait()
            services.registration_confirm_email(application=application, code=code)
            outcomes.append("ok")
        except RuleError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(applications, codes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_registered", "ok"]
    assert User.objects.filter(business__tax_id=COMPANY, is_active=True).count() == 1
