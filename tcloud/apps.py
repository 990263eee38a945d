from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TcloudConfig(AppConfig):
    name = "tcloud"
    verbose_name = _("Program operations")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
