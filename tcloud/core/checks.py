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


@register(Tags.security, deploy=True)
def demo_off(app_configs, **kwargs):
    """The demo's defaults (SQLite, simulator, console SMS) are for trying the site."""
    if settings.TCLOUD_DEMO:
        return [
            Error(
                "TCLOUD_DEMO is on.",
                hint="Unset TCLOUD_DEMO in production and give every setting (README).",
                id="tcloud.E002",
            )
        ]
    return []
