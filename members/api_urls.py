"""API endpoints of the members app (included under /api/v1/ by tcloud/site/api_urls.py)."""

from django.urls import path

from members import api, views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("registrations/", api.RegistrationStart.as_view(), name="registration-start"),
    path("registrations/current/", api.RegistrationCurrent.as_view(), name="registration-current"),
    path(
        "registrations/current/verification/",
        api.RegistrationMethod.as_view(),
        name="registration-method",
    ),
    path(
        "registrations/current/verification/resend/",
        api.RegistrationResend.as_view(),
        name="registration-resend",
    ),
    path(
        "registrations/current/verify/",
        api.RegistrationVerify.as_view(),
        name="registration-verify",
    ),
    path(
        "registrations/current/declarations/",
        api.RegistrationDeclarations.as_view(),
        name="registration-declarations",
    ),
    path(
        "registrations/current/consent/",
        api.RegistrationConsent.as_view(),
        name="registration-consent",
    ),
    path(
        "registrations/current/account/",
        api.RegistrationAccount.as_view(),
        name="registration-account",
    ),
    path(
        "registrations/current/email/", api.RegistrationEmail.as_view(), name="registration-email"
    ),
    path(
        "registrations/current/email/resend/",
        api.RegistrationEmailResend.as_view(),
        name="registration-email-resend",
    ),
]
