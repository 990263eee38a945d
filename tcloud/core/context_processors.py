from django.conf import settings


def site(request):
    return {
        "VERIFICATION_SIMULATOR": settings.VERIFICATION_SIMULATOR,
        "SITE_NAME": "tcloud",
    }
