from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app stands on (errors, state machines, events, the
    business calendar, API helpers). Its label stays `tcloud`, so its tables and
    migrations keep their names."""

    name = "tcloud.core"
    label = "tcloud"
    verbose_name = _("Program operations")

    def ready(self) -> None:
        from tcloud.core import checks  # noqa: F401 - registers the deploy checks
