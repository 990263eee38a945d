from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and users")

    def ready(self) -> None:
        from members import machines  # noqa: F401 - registers the state machines
