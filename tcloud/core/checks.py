from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def verification_simulator_off(app_configs, **kwargs):
    """The simulator passes code 000000 for anyone: never in production."""
    if settings.VERIFICATION_SIMULATOR and not settings.DEBUG:
        return [
            Error(
                "VERIFICATION_SIMULATOR is on while DEBUG is off.",
                hint="Set VERIFICATION_SIMULATOR=false in production.",
                id="tcloud.E001",
            )
        ]
    return []
