"""Helpers that walk the wizard's services to a given step."""

from __future__ import annotations

from members import services
from members.eligibility import DECLARATION_KEYS
from tests.factories import PASSWORD
from tests.members.conftest import COMPANY, NATIONAL_ID


def start(tax_id: str = COMPANY):
    application, _token = services.registration_start(tax_id=tax_id)
    return application


def verified(
    tax_id: str = COMPANY,
    *,
    method: str = "phone",
    national_id: str = NATIONAL_ID,
    phone: str = "0912345678",
):
    application = start(tax_id)
    services.registration_choose_method(
        application=application,
        method=method,
        national_id=national_id,
        phone=phone,
        roc_national=True,
        postpaid=True,
    )
    return services.registration_verify(application=application, proof={"code": "000000"})


def at_account(tax_id: str = COMPANY, *, declarations: dict | None = None, **kwargs):
    application = verified(tax_id, **kwargs)
    services.registration_accept_declarations(
        application=application,
        data_query=True,
        declarations=declarations
        if declarations is not None
        else dict.fromkeys(DECLARATION_KEYS, True),
    )
    return services.registration_consent(application=application, personal_data=True)


def member(tax_id: str = COMPANY, email: str = "owner@example.test", **kwargs):
    """A finished registration: returns the active user."""
    from django.core import mail
    from django.test import TestCase

    application = at_account(tax_id, **kwargs)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.registration_create_account(
            application=application, email=email, password=PASSWORD, name="王大明"
        )
    code = email_code(mail.outbox[-1].body)
    application.refresh_from_db()
    return services.registration_confirm_email(application=application, code=code)


def email_code(body: str) -> str:
    import re

    return re.search(r"\b(\d{6})\b", body).group(1)
